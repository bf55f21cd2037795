#include "storage/connection_pool.h"

namespace roomkeys {

void ConnectionPool::open_all() {
  for (size_t i = 0; i < broken_.size(); ++i) {
    pool_.at(i).open(*backend_.factory, backend_.connect_string);
    backend_.configure(pool_.at(i));
  }
}

void ConnectionPool::Lease::ensure_connected() {
  if (!pool_.broken_[position_]) return;
  statements().clear();  // they belong to the old connection
  session().reconnect();
  pool_.backend_.configure(session());
  pool_.broken_[position_] = 0;
}

}  // namespace roomkeys
