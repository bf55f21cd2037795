#include "storage/write_queue.h"

#include <algorithm>

namespace roomkeys {

void WriteQueue::submit(Entry& entry, const RunGroup& run_group) {
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&entry);
  while (entry.state == Entry::State::kQueued) {
    if (leading_) {
      finished_.wait(lock);
      continue;
    }
    leading_ = true;
    const size_t size = std::min(queue_.size(), max_group_);
    std::vector<Entry*> group(queue_.begin(), queue_.begin() + static_cast<long>(size));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(size));
    lock.unlock();
    run_group(group);
    lock.lock();
    leading_ = false;
    finished_.notify_all();
  }
}

}  // namespace roomkeys
