#include "common/percent_decode.h"

#include "common/utf8.h"

namespace roomkeys {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view component) {
  std::string out;
  out.reserve(component.size());
  for (size_t i = 0; i < component.size(); ++i) {
    if (component[i] != '%') {
      out.push_back(component[i]);
      continue;
    }
    if (i + 2 >= component.size()) return std::nullopt;
    const int high = hex_value(component[i + 1]);
    const int low = hex_value(component[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  if (!is_valid_utf8(out)) return std::nullopt;
  return out;
}

}  // namespace roomkeys
