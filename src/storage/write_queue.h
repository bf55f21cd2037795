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

#include "storage/repository.h"

namespace roomkeys {

class WriteQueue {
 public:
  struct Entry {
    enum class State { kQueued, kDone, kRunAlone };
    explicit Entry(const Repository::Work& w) : work(w) {}
    const Repository::Work& work;
    Status status;  // when kDone
    State state = State::kQueued;
  };
  // Runs one group: sets every entry to kDone (with its status) or, when the group as a whole
  // failed, to kRunAlone. Must not throw.
  using RunGroup = std::function<void(const std::vector<Entry*>&)>;

  explicit WriteQueue(size_t max_group) : max_group_(max_group) {}

  // Returns once `entry` is kDone or kRunAlone, having led groups (on this thread) if needed.
  void submit(Entry& entry, const RunGroup& run_group);

 private:
  const size_t max_group_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::deque<Entry*> queue_;
  bool leading_ = false;
};

}  // namespace roomkeys
