// Strict UTF-8 validation (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
// Shared by the standalone host (decoded path and query) and the core (ids from any host).
#pragma once

#include <string_view>

namespace roomkeys {

bool is_valid_utf8(std::string_view text);

}  // namespace roomkeys
