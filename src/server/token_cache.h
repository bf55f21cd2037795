// What the homeserver said of recent tokens, so that most requests need no round trip: an LRU
// map, bounded in entries, whose keys are salted SHA-256 digests of (token, user_id parameter) —
// no token is ever kept in it. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "server/whoami_client.h"

namespace roomkeys::server {

using TokenDigest = std::array<unsigned char, 32>;

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenCache(size_t max_entries);

  // The digest of a token (and the user_id a request masquerades as), salted per process.
  TokenDigest digest(std::string_view token, std::optional<std::string_view> user_id) const;

  std::optional<WhoamiAnswer> find(const TokenDigest& key, Clock::time_point now = Clock::now());
  void put(const TokenDigest& key, WhoamiAnswer answer, Clock::time_point expires);
  size_t size() const;

 private:
  struct DigestHash {
    size_t operator()(const TokenDigest& d) const {
      size_t h;
      std::memcpy(&h, d.data(), sizeof h);  // the digest is already uniform
      return h;
    }
  };
  struct Entry {
    TokenDigest key;
    WhoamiAnswer answer;
    Clock::time_point expires;
  };

  size_t max_entries_;
  std::array<unsigned char, 32> salt_{};
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<TokenDigest, std::list<Entry>::iterator, DigestHash> index_;
};

}  // namespace roomkeys::server
