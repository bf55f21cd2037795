#include "server/token_cache.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace roomkeys::server {

TokenCache::TokenCache(size_t max_entries) : max_entries_(max_entries) {
  if (RAND_bytes(salt_.data(), static_cast<int>(salt_.size())) != 1) {
    throw std::runtime_error("no randomness for the token cache");
  }
}

TokenDigest TokenCache::digest(std::string_view token,
                               std::optional<std::string_view> user_id) const {
  TokenDigest out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  const unsigned char separator = user_id ? 1 : 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, salt_.data(), salt_.size());
  EVP_DigestUpdate(ctx, token.data(), token.size());
  EVP_DigestUpdate(ctx, &separator, 1);
  if (user_id) EVP_DigestUpdate(ctx, user_id->data(), user_id->size());
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &length);
  EVP_MD_CTX_free(ctx);
  return out;
}

std::optional<WhoamiAnswer> TokenCache::find(const TokenDigest& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->expires <= now) {
    lru_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->answer;
}

void TokenCache::put(const TokenDigest& key, WhoamiAnswer answer, Clock::time_point expires) {
  if (max_entries_ == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto it = index_.find(key); it != index_.end()) {
    it->second->answer = std::move(answer);
    it->second->expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front({key, std::move(answer), expires});
  index_.emplace(key, lru_.begin());
  while (lru_.size() > max_entries_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

size_t TokenCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lru_.size();
}

}  // namespace roomkeys::server
