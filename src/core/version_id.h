// Backup version ids travel as decimal strings ("1", "2", ...) and are stored as integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomkeys {

// The id in canonical form ("7", never "07", "+7" or " 7"); nullopt for anything else, which
// callers answer as an unknown version.
std::optional<int64_t> parse_version_id(std::string_view text);
std::string format_version_id(int64_t id);

}  // namespace roomkeys
