// Strict UTF-8 validation (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
// Shared by the standalone host (decoded path and query) and the core (ids from any host).
#pragma once

#include <string_view>

namespace roomkeys {

bool is_valid_utf8(std::string_view text);

// The length (2 to 4) of the valid multi-byte sequence starting at `p` (whose first byte is at
// least 0x80), or 0 when it is not one.
int utf8_sequence_length(const unsigned char* p, const unsigned char* end);

}  // namespace roomkeys
