#include "server/token_digest.h"

#include <openssl/sha.h>

namespace roomkeys::server {

TokenDigest token_digest(std::string_view token) {
  TokenDigest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

}  // namespace roomkeys::server
