#include "admin/progress.h"

#include <unistd.h>

namespace roomkeys::admin {

Progress::Progress(FILE* out, int64_t total_users, int64_t total_keys)
    : out_(out),
      terminal_(isatty(fileno(out)) != 0),
      total_users_(total_users),
      total_keys_(total_keys) {}

double Progress::keys_per_second() const {
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  return seconds > 0 ? static_cast<double>(keys_done_) / seconds : 0;
}

void Progress::update(int64_t users_done, int64_t keys_done) {
  users_done_ = users_done;
  keys_done_ = keys_done;
  const auto now = Clock::now();
  if (now - last_print_ < (terminal_ ? std::chrono::milliseconds(250) : std::chrono::seconds(5))) {
    return;
  }
  last_print_ = now;
  print();
}

void Progress::print() {
  const double rate = keys_per_second();
  const double eta = rate > 0 ? static_cast<double>(total_keys_ - keys_done_) / rate : 0;
  std::fprintf(out_, "%susers %lld/%lld, keys %lld/%lld, %.0f keys/s, ETA %.0f s%s",
               terminal_ ? "\r" : "", static_cast<long long>(users_done_),
               static_cast<long long>(total_users_), static_cast<long long>(keys_done_),
               static_cast<long long>(total_keys_), rate, eta, terminal_ ? "\x1b[K" : "\n");
  std::fflush(out_);
  printed_ = true;
}

void Progress::finish() {
  if (terminal_ && printed_) std::fputc('\n', out_);
}

}  // namespace roomkeys::admin
