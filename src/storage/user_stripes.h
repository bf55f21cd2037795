// The writers of one user inside one process take turns here before they reach the database. On
// one MariaDB server the user's row lock already orders them; on a Galera cluster writers of one
// user through different nodes are only compared at commit, and the loser runs again: with every
// writer of a process queueing here first, at most one per process (one per node) takes part in
// that race, instead of every device at once. Striped: users that share a stripe wait for each
// other, which costs a little concurrency and no correctness.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <string>

namespace roomkeys {

class UserStripes {
 public:
  std::mutex& of(const std::string& user_id) {
    return stripes_[std::hash<std::string>{}(user_id) % stripes_.size()];
  }

 private:
  std::array<std::mutex, 256> stripes_;
};

}  // namespace roomkeys
