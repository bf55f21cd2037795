#include "storage/write_queue.h"

#include <algorithm>

namespace roomkeys {

void WriteQueue::submit(Entry& entry, const RunGroup& run_group) {
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&entry);
  while (!entry.finished) {
    if (leading_) {
      entry.wake.wait(lock);
      continue;
    }
    leading_ = true;
    const auto size = static_cast<long>(std::min(queue_.size(), max_group_));
    std::vector<Entry*> group(queue_.begin(), queue_.begin() + size);
    queue_.erase(queue_.begin(), queue_.begin() + size);
    lock.unlock();
    run_group(group);
    lock.lock();
    leading_ = false;
    // Wake only who has something to do: the group's writers, and the next leader. Once this
    // thread lets go of the mutex they may return, and their entries are gone.
    for (Entry* member : group) {
      member->finished = true;
      member->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();
  }
}

}  // namespace roomkeys
