// The token cache: keyed by salted digests, bounded, least recently used first out, expiring.
#include "server/token_cache.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace roomkeys::server {
namespace {

using Clock = TokenCache::Clock;

WhoamiAnswer user(const std::string& id) {
  WhoamiAnswer a;
  a.kind = WhoamiAnswer::Kind::kUser;
  a.user_id = id;
  return a;
}

TEST(TokenCache, DigestsDependOnTokenAndMasqueradeAndHoldNeitherInClear) {
  TokenCache cache(10);
  const std::string token = "syt_abcdefghijklmnopqrstuvwxyz012345";
  const TokenDigest plain = cache.digest(token, std::nullopt);
  EXPECT_EQ(plain, cache.digest(token, std::nullopt));
  EXPECT_NE(plain, cache.digest(token, std::string_view("@bot:x")));
  EXPECT_NE(plain, cache.digest(token, std::string_view("")));
  EXPECT_NE(plain, cache.digest("syt_other", std::nullopt));
  EXPECT_EQ(std::search(plain.begin(), plain.end(), token.begin() + 4, token.begin() + 8),
            plain.end());
  // Salted per process (per cache): the same token digests differently elsewhere.
  EXPECT_NE(plain, TokenCache(10).digest(token, std::nullopt));
}

TEST(TokenCache, EntriesExpire) {
  TokenCache cache(10);
  const auto now = Clock::now();
  const auto key = cache.digest("t", std::nullopt);
  cache.put(key, user("@a:x"), now + std::chrono::seconds(5));
  ASSERT_TRUE(cache.find(key, now + std::chrono::seconds(4)));
  EXPECT_EQ(cache.find(key, now + std::chrono::seconds(4))->user_id, "@a:x");
  EXPECT_FALSE(cache.find(key, now + std::chrono::seconds(5)));
  EXPECT_EQ(cache.size(), 0u);  // an expired entry is dropped when met
}

TEST(TokenCache, BoundedLeastRecentlyUsedGoesFirst) {
  TokenCache cache(2);
  const auto later = Clock::now() + std::chrono::hours(1);
  const auto a = cache.digest("a", std::nullopt), b = cache.digest("b", std::nullopt),
             c = cache.digest("c", std::nullopt);
  cache.put(a, user("@a:x"), later);
  cache.put(b, user("@b:x"), later);
  ASSERT_TRUE(cache.find(a));  // a is now more recent than b
  cache.put(c, user("@c:x"), later);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find(a));
  EXPECT_FALSE(cache.find(b));
  EXPECT_TRUE(cache.find(c));
}

}  // namespace
}  // namespace roomkeys::server
