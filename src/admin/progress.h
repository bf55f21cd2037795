// Progress of a long operator command: on a terminal one line redrawn in place (users and keys
// done, keys/s, ETA); otherwise a plain line every few seconds, fit for logs.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace roomkeys::admin {

class Progress {
 public:
  Progress(FILE* out, int64_t total_users, int64_t total_keys);
  // Counts done so far; prints when it is time to.
  void update(int64_t users_done, int64_t keys_done);
  // Ends the redrawn line, if any.
  void finish();
  double keys_per_second() const;

 private:
  using Clock = std::chrono::steady_clock;
  void print();

  FILE* out_;
  const bool terminal_;
  const int64_t total_users_, total_keys_;
  int64_t users_done_ = 0, keys_done_ = 0;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_print_ = start_;
  bool printed_ = false;
};

}  // namespace roomkeys::admin
