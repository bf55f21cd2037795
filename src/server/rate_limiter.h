// Per-user request rate limit of the standalone host: a token bucket per user id, applied to the
// routes a module flags MXM_ROUTE_RATE_LIMITED. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace roomkeys::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` 0 disables the limit; `burst` requests may come at once.
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  bool enabled() const { return per_second_ > 0; }
  // 0 when the request may go ahead, else how many milliseconds until it may.
  int64_t acquire(const std::string& user_id, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace roomkeys::server
