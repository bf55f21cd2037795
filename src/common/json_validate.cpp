#include "common/json_validate.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/utf8.h"

namespace roomkeys {
namespace {

// The byte that closes a container opened by `opener` (a '{' or a '[').
constexpr unsigned char closer_of(unsigned char opener) { return opener == '{' ? '}' : ']'; }

// Bytes that stand for themselves inside a string: printable ASCII but '"' and '\\'.
constexpr std::array<bool, 256> kPlainStringByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

class Validator {
 public:
  explicit Validator(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), end_(p_ + text.size()) {}

  bool document() {
    if (end_ - p_ >= 3 && p_[0] == 0xEF && p_[1] == 0xBB && p_[2] == 0xBF) p_ += 3;
    // Containers still open, innermost last: '{' or '['. Iterative, so depth costs no stack.
    std::vector<unsigned char> open;
    bool want_value = true;
    for (;;) {
      skip_ws();
      if (want_value) {
        if (p_ == end_) return false;
        const unsigned char c = *p_;
        if (c == '{' || c == '[') {
          ++p_;
          skip_ws();
          if (p_ < end_ && *p_ == closer_of(c)) {
            ++p_;  // empty container: a complete value
            want_value = false;
            continue;
          }
          open.push_back(c);
          if (c == '{' && !member_name()) return false;
          continue;
        }
        if (!scalar()) return false;
        want_value = false;
        continue;
      }
      // After a complete value.
      if (open.empty()) return p_ == end_;
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        want_value = true;
        if (open.back() == '{' && !member_name()) return false;
        continue;
      }
      if (*p_ != closer_of(open.back())) return false;
      ++p_;
      open.pop_back();
    }
  }

 private:
  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // `"name" :` inside an object, up to its value.
  bool member_name() {
    skip_ws();
    if (p_ == end_ || *p_ != '"' || !string()) return false;
    skip_ws();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  bool scalar() {
    switch (*p_) {
      case '"':
        return string();
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return number();
    }
  }

  bool word(std::string_view w) {
    if (static_cast<size_t>(end_ - p_) < w.size() ||
        std::string_view(reinterpret_cast<const char*>(p_), w.size()) != w) {
      return false;
    }
    p_ += w.size();
    return true;
  }

  // At the opening quote; leaves p_ past the closing one.
  bool string() {
    ++p_;
    while (p_ < end_) {
      while (p_ < end_ && kPlainStringByte[*p_]) ++p_;  // the bulk: printable ASCII
      if (p_ == end_) break;
      const unsigned char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!escape()) return false;
      } else if (c < 0x20) {
        return false;
      } else if (c < 0x80) {
        ++p_;
      } else {
        const int length = utf8_sequence_length(p_, end_);
        if (length == 0) return false;
        p_ += length;
      }
    }
    return false;
  }

  // At a backslash inside a string.
  bool escape() {
    if (end_ - p_ < 2) return false;
    const unsigned char c = p_[1];
    p_ += 2;
    if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
        c == 't') {
      return true;
    }
    if (c != 'u') return false;
    int unit = hex4();
    if (unit < 0xD800 || unit > 0xDFFF) return unit >= 0;
    if (unit >= 0xDC00) return false;  // a low surrogate with no high one before it
    // A high surrogate must be followed by an escaped low surrogate.
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
    p_ += 2;
    unit = hex4();
    return unit >= 0xDC00 && unit <= 0xDFFF;
  }

  // Four hex digits as a number, or -1.
  int hex4() {
    if (end_ - p_ < 4) return -1;
    int value = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned char c = *p_++;
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  bool digits() {
    const unsigned char* start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > start;
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, and finite as a double.
  bool number() {
    const unsigned char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ < end_ && *p_ == '0') {
      ++p_;
    } else if (!digits()) {
      return false;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
    }
    bool exponent = false;
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      exponent = true;
    }
    // Only a long mantissa or an exponent can overflow a double.
    if (exponent || p_ - start > 300) {
      const std::string copy(reinterpret_cast<const char*>(start), p_ - start);
      return std::isfinite(std::strtod(copy.c_str(), nullptr));
    }
    return true;
  }

  const unsigned char* p_;
  const unsigned char* const end_;
};

}  // namespace

bool is_valid_json(std::string_view text) { return Validator(text).document(); }

}  // namespace roomkeys
