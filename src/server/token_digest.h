// Access tokens are kept and compared only as SHA-256 digests: a lookup then takes the same time
// whichever characters of a guess are right, and no token is held in memory in the clear.
#pragma once

#include <array>
#include <string_view>

namespace roomkeys::server {

using TokenDigest = std::array<unsigned char, 32>;

TokenDigest token_digest(std::string_view token);

}  // namespace roomkeys::server
