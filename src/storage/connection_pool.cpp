#include "storage/connection_pool.h"

#include <chrono>

namespace roomkeys {

void ConnectionPool::open_all() {
  for (size_t i = 0; i < broken_.size(); ++i) {
    pool_.at(i).open(*backend_.factory, backend_.connect_string);
    backend_.configure(pool_.at(i), writer_);
  }
}

size_t ConnectionPool::lease() {
  const auto asked = std::chrono::steady_clock::now();
  const size_t position = pool_.lease();
  metrics_.connection_wait_seconds.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count());
  return position;
}

void ConnectionPool::Lease::ensure_connected() {
  if (!pool_.broken_[position_]) return;
  statements().clear();  // they belong to the old connection
  session().reconnect();
  pool_.backend_.configure(session(), pool_.writer_);
  pool_.broken_[position_] = 0;
  pool_.metrics_.reconnects.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace roomkeys
