#include "core/version_id.h"

namespace roomkeys {

std::optional<int64_t> parse_version_id(std::string_view text) {
  constexpr size_t kMaxDigits = 18;  // stays far below INT64_MAX
  if (text.empty() || text.size() > kMaxDigits || text[0] == '0') return std::nullopt;
  int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

std::string format_version_id(int64_t id) { return std::to_string(id); }

}  // namespace roomkeys
