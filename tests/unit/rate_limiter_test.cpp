#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace roomkeys::server {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, DisabledLetsEverythingThrough) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.acquire("@a:x"), 0);
}

TEST(RateLimiter, BurstThenWaitPerUser) {
  RateLimiter limiter(2, 3);  // 2 per second, 3 at once
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("@a:x", t0), 0);
  EXPECT_EQ(limiter.acquire("@a:x", t0), 500);  // one token takes half a second
  EXPECT_EQ(limiter.acquire("@b:x", t0), 0);    // another user has their own bucket
  EXPECT_EQ(limiter.acquire("@a:x", t0 + 500ms), 0);
  EXPECT_GT(limiter.acquire("@a:x", t0 + 500ms), 0);
}

}  // namespace
}  // namespace roomkeys::server
