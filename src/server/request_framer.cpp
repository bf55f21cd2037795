#include "server/request_framer.h"

#include <algorithm>
#include <array>

namespace roomkeys::server {
namespace {

constexpr size_t kMaxChunkLine = 4096;  // chunk size plus extensions
constexpr size_t kCompactAfter = size_t{64} * 1024;

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return is_tchar(c); });
}

// A field value: visible characters, spaces, tabs and obs-text; no control characters.
bool is_field_value(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || u >= 0x20 ? u != 0x7F : false;
  });
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// 1*DIGIT, at most 18 digits (no overflow).
bool parse_decimal(std::string_view text, uint64_t& value) {
  if (text.empty() || text.size() > 18) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The methods Pistache's parser knows; any other is answered 501 here.
bool pistache_knows(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kKnown = {
      "OPTIONS", "GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT"};
  return std::find(kKnown.begin(), kKnown.end(), method) != kKnown.end();
}

// Calls `each` with every comma-separated element of a list header, trimmed; empty ones skipped.
template <typename Each>
void for_each_element(std::string_view list, Each each) {
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

enum class LineResult { kLine, kIncomplete, kTooLong, kBareLf };

// One CRLF-terminated line of `text` (without the CRLF) no longer than `max_length`.
LineResult find_line(std::string_view text, size_t max_length, std::string_view& line) {
  const size_t lf = text.find('\n');
  if (lf == std::string_view::npos) {
    return text.size() > max_length ? LineResult::kTooLong : LineResult::kIncomplete;
  }
  if (lf == 0 || text[lf - 1] != '\r') return LineResult::kBareLf;
  if (lf - 1 > max_length) return LineResult::kTooLong;
  line = text.substr(0, lf - 1);
  return LineResult::kLine;
}

}  // namespace

void RequestFramer::append(std::string_view bytes) {
  if (phase_ == Phase::kFailed) return;
  buffer_.append(bytes);
}

RequestFramer::Next RequestFramer::next() {
  switch (phase_) {
    case Phase::kFailed:
      return std::monostate{};
    case Phase::kIdle:
    case Phase::kHead:
      return read_head();
    case Phase::kBody:
      return read_body();
  }
  return std::monostate{};
}

RequestFramer::Next RequestFramer::fail(int status, const char* errcode, const char* message) {
  phase_ = Phase::kFailed;
  std::string().swap(buffer_);
  consumed_ = 0;
  current_ = FramedRequest{};
  continue_wanted_ = false;
  return FramingError{status, errcode, message};
}

RequestFramer::Next RequestFramer::read_head() {
  // RFC 9112 2.2: empty lines before a request line are ignored.
  while (unread().substr(0, 2) == "\r\n") consumed_ += 2;
  std::string_view text = unread();
  if (text.empty() || text == "\r") {
    phase_ = Phase::kIdle;
    if (text.empty()) {
      buffer_.clear();
      consumed_ = 0;
    }
    return std::monostate{};
  }
  phase_ = Phase::kHead;

  std::string_view request_line;
  switch (find_line(text, limits_.max_request_line, request_line)) {
    case LineResult::kIncomplete:
      return std::monostate{};
    case LineResult::kTooLong:
      return fail(414, "M_UNKNOWN", "The request line is too long");
    case LineResult::kBareLf:
      return fail(400, "M_UNKNOWN", "Lines must end in CRLF");
    case LineResult::kLine:
      break;
  }
  // method SP request-target SP HTTP-version, checked as soon as the line is complete.
  const size_t first_space = request_line.find(' ');
  const size_t last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return fail(400, "M_UNKNOWN", "Malformed request line");
  }
  const std::string_view method = request_line.substr(0, first_space);
  const std::string_view target =
      request_line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = request_line.substr(last_space + 1);
  if (!is_token(method)) return fail(400, "M_UNKNOWN", "Malformed request method");
  if (target.empty() || !(target.front() == '/' || (target == "*" && method == "OPTIONS")) ||
      !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7F; })) {
    return fail(400, "M_UNKNOWN", "Malformed request target");
  }
  const bool http11 = version == "HTTP/1.1";
  if (!http11 && version != "HTTP/1.0") {
    const bool looks_like_http = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                                 hex_value(version[5]) >= 0 && version[6] == '.';
    return looks_like_http ? fail(505, "M_UNKNOWN", "Only HTTP/1.0 and HTTP/1.1 are spoken")
                           : fail(400, "M_UNKNOWN", "Malformed HTTP version");
  }
  if (!pistache_knows(method)) {
    return fail(501, "M_UNRECOGNIZED", "Unsupported request method");
  }
  // Pistache would answer a HEAD with a body; no Matrix client sends one.
  if (method == "HEAD") return fail(405, "M_UNRECOGNIZED", "Unrecognized request method");

  // The whole head: it ends at the first empty line.
  const size_t end = text.find("\r\n\r\n", head_scan_);
  if (end == std::string_view::npos) {
    if (text.size() > limits_.max_header_bytes) {
      return fail(431, "M_UNKNOWN", "The request header section is too large");
    }
    head_scan_ = text.size() >= 3 ? text.size() - 3 : 0;
    return std::monostate{};
  }
  if (end + 4 > limits_.max_header_bytes) {
    return fail(431, "M_UNKNOWN", "The request header section is too large");
  }

  std::string_view fields = text.substr(request_line.size() + 2, end + 2 - request_line.size() - 2);
  size_t count = 0;
  int hosts = 0;
  int authorizations = 0;
  std::string_view authorization;
  bool has_length = false;
  uint64_t length = 0;
  bool length_conflict = false;
  bool has_transfer_encoding = false;
  std::string transfer_coding;
  bool close = !http11;
  bool expect_continue = false;
  bool expect_other = false;
  while (!fields.empty()) {
    const size_t crlf = fields.find("\r\n");
    const std::string_view line = fields.substr(0, crlf);
    fields.remove_prefix(crlf + 2);
    if (++count > limits_.max_header_count) {
      return fail(431, "M_UNKNOWN", "Too many request header fields");
    }
    if (line.front() == ' ' || line.front() == '\t') {
      return fail(400, "M_UNKNOWN", "Folded header lines are not accepted");
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return fail(400, "M_UNKNOWN", "Malformed header field");
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_field_value(value)) return fail(400, "M_UNKNOWN", "Malformed header field value");

    if (iequals(name, "content-length")) {
      bool valid = true;
      for_each_element(value, [&](std::string_view element) {
        uint64_t parsed = 0;
        if (!parse_decimal(element, parsed)) {
          valid = false;
        } else if (has_length && parsed != length) {
          length_conflict = true;
        } else {
          has_length = true;
          length = parsed;
        }
      });
      if (!valid || value.empty()) return fail(400, "M_UNKNOWN", "Malformed Content-Length");
    } else if (iequals(name, "transfer-encoding")) {
      has_transfer_encoding = true;
      if (!transfer_coding.empty()) transfer_coding += ',';
      transfer_coding += value;
    } else if (iequals(name, "host")) {
      ++hosts;
    } else if (iequals(name, "authorization")) {
      ++authorizations;
      authorization = value;
    } else if (iequals(name, "connection")) {
      for_each_element(value, [&](std::string_view option) {
        if (iequals(option, "close")) close = true;
        if (iequals(option, "keep-alive") && !http11) close = false;
      });
    } else if (iequals(name, "expect")) {
      (iequals(value, "100-continue") ? expect_continue : expect_other) = true;
    }
  }

  if (length_conflict) return fail(400, "M_UNKNOWN", "Conflicting Content-Length values");
  if (hosts > 1 || (http11 && hosts == 0)) {
    return fail(400, "M_UNKNOWN", "An HTTP/1.1 request needs exactly one Host header");
  }
  if (authorizations > 1) return fail(400, "M_UNKNOWN", "More than one Authorization header");
  if (has_transfer_encoding) {
    if (has_length || !http11) {
      return fail(400, "M_UNKNOWN", "Transfer-Encoding with Content-Length or in HTTP/1.0");
    }
    bool only_chunked = false;
    int codings = 0;
    for_each_element(transfer_coding, [&](std::string_view coding) {
      ++codings;
      only_chunked = iequals(coding, "chunked");
    });
    if (!only_chunked || codings != 1) {
      return fail(501, "M_UNKNOWN", "Only the chunked transfer coding is supported");
    }
  }
  if (has_length && length > limits_.max_body_bytes) {
    return fail(413, "M_TOO_LARGE", "The request body is too large");
  }
  if (expect_other) return fail(417, "M_UNKNOWN", "Only Expect: 100-continue is supported");

  current_ = FramedRequest{};
  current_.keep_alive = !close;
  current_.head.reserve(request_line.size() + authorization.size() + 80);
  current_.head.append(request_line).append("\r\n");
  if (authorizations == 1)
    current_.head.append("Authorization: ").append(authorization).append("\r\n");
  current_.head.append(close ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
  consumed_ += end + 4;
  head_scan_ = 0;
  phase_ = Phase::kBody;
  if (has_transfer_encoding) {
    body_mode_ = BodyMode::kChunkSize;
  } else if (length > 0) {
    body_mode_ = BodyMode::kLength;
    body_left_ = length;
    current_.body.reserve(length);
  } else {
    body_mode_ = BodyMode::kNone;
    return finish_request();
  }
  continue_wanted_ = expect_continue && http11;
  return read_body();
}

RequestFramer::Next RequestFramer::read_body() {
  while (true) {
    std::string_view text = unread();
    switch (body_mode_) {
      case BodyMode::kNone:
        return finish_request();
      case BodyMode::kLength:
      case BodyMode::kChunkData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(body_left_, text.size()));
        current_.body.append(text.substr(0, take));
        consumed_ += take;
        body_left_ -= take;
        if (body_left_ > 0) {
          if (consumed_ == buffer_.size()) {
            buffer_.clear();
            consumed_ = 0;
          }
          return std::monostate{};
        }
        if (body_mode_ == BodyMode::kLength) return finish_request();
        body_mode_ = BodyMode::kChunkDataEnd;
        break;
      }
      case BodyMode::kChunkDataEnd:
        if (text.size() < 2) return std::monostate{};
        if (text.substr(0, 2) != "\r\n") return fail(400, "M_UNKNOWN", "Malformed chunk");
        consumed_ += 2;
        body_mode_ = BodyMode::kChunkSize;
        break;
      case BodyMode::kChunkSize: {
        std::string_view line;
        switch (find_line(text, kMaxChunkLine, line)) {
          case LineResult::kIncomplete:
            return std::monostate{};
          case LineResult::kTooLong:
          case LineResult::kBareLf:
            return fail(400, "M_UNKNOWN", "Malformed chunk size line");
          case LineResult::kLine:
            break;
        }
        consumed_ += line.size() + 2;
        size_t digits = 0;
        uint64_t size = 0;
        while (digits < line.size() && hex_value(line[digits]) >= 0) {
          if (digits == 15) return fail(413, "M_TOO_LARGE", "The request body is too large");
          size = size * 16 + static_cast<uint64_t>(hex_value(line[digits]));
          ++digits;
        }
        const std::string_view rest = trim_ows(line.substr(digits));
        if (digits == 0 || !(rest.empty() || rest.front() == ';') || !is_field_value(rest)) {
          return fail(400, "M_UNKNOWN", "Malformed chunk size line");
        }
        if (size > limits_.max_body_bytes - current_.body.size()) {
          return fail(413, "M_TOO_LARGE", "The request body is too large");
        }
        if (size == 0) {
          body_mode_ = BodyMode::kTrailers;
          trailer_bytes_ = 0;
        } else {
          body_left_ = size;
          body_mode_ = BodyMode::kChunkData;
        }
        break;
      }
      case BodyMode::kTrailers: {
        std::string_view line;
        const size_t room =
            limits_.max_header_bytes - std::min(limits_.max_header_bytes, trailer_bytes_);
        switch (find_line(text, room, line)) {
          case LineResult::kIncomplete:
            return std::monostate{};
          case LineResult::kTooLong:
            return fail(431, "M_UNKNOWN", "The request trailer section is too large");
          case LineResult::kBareLf:
            return fail(400, "M_UNKNOWN", "Lines must end in CRLF");
          case LineResult::kLine:
            break;
        }
        consumed_ += line.size() + 2;
        trailer_bytes_ += line.size() + 2;
        if (line.empty()) return finish_request();
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)) ||
            !is_field_value(line.substr(colon + 1))) {
          return fail(400, "M_UNKNOWN", "Malformed trailer field");
        }
        break;  // trailers are read and dropped
      }
    }
  }
}

RequestFramer::Next RequestFramer::finish_request() {
  current_.head.append("Content-Length: ")
      .append(std::to_string(current_.body.size()))
      .append("\r\n\r\n");
  FramedRequest done = std::move(current_);
  current_ = FramedRequest{};
  body_mode_ = BodyMode::kNone;
  body_left_ = 0;
  continue_wanted_ = false;
  phase_ = Phase::kIdle;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > kCompactAfter) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return done;
}

}  // namespace roomkeys::server
