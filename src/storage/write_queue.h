// Group commit for a database that takes one writer at a time (SQLite). Concurrent writers
// queue their work; the first one free to lead takes the whole queue and runs it as one group
// (one transaction, so one durable commit serves them all), while the others wait. Nobody waits
// for the lock while the disk syncs for someone else.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "core/repository.h"

namespace roomkeys {

class WriteQueue {
 public:
  struct Entry {
    explicit Entry(const Repository::Work& w) : work(w) {}
    const Repository::Work& work;
    // Set by RunGroup: whether the group committed (then `status` is the work's answer) or
    // failed as a whole (then the work has to run again by itself).
    bool committed = false;
    Status status;

   private:
    friend class WriteQueue;
    bool finished = false;         // guarded by the queue's mutex
    std::condition_variable wake;  // its group ran, or it is first in line to lead
  };
  // Runs one group and sets `committed` (and `status`) of each entry. Must not throw.
  using RunGroup = std::function<void(const std::vector<Entry*>&)>;

  explicit WriteQueue(size_t max_group) : max_group_(max_group) {}

  // Returns once the group holding `entry` ran, having led groups on this thread if needed.
  void submit(Entry& entry, const RunGroup& run_group);

 private:
  const size_t max_group_;
  std::mutex mutex_;
  std::deque<Entry*> queue_;
  bool leading_ = false;
};

}  // namespace roomkeys
