#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace roomkeys::server {

int64_t RateLimiter::acquire(const std::string& user_id, Clock::time_point now) {
  if (!enabled()) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = buckets_.try_emplace(user_id, Bucket{burst_, now});
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return static_cast<int64_t>(std::ceil((1 - bucket.tokens) / per_second_ * 1000));
}

}  // namespace roomkeys::server
