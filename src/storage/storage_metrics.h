// What the storage counts for operators: retried conflicts, reconnections, the sizes of write
// groups (group commit) and the wait for a pooled connection. Updated lock-free by the request
// threads; read at any time (the module reports it through the C ABI).
#pragma once

#include <atomic>
#include <cstdint>

#include "common/atomic_histogram.h"

namespace roomkeys {

struct StorageMetrics {
  std::atomic<uint64_t> retries{0};     // units of work run again after a transient failure
  std::atomic<uint64_t> reconnects{0};  // connections re-opened after they broke
  AtomicHistogram write_group_size{{1, 2, 4, 8, 16, 32}};
  AtomicHistogram connection_wait_seconds{{0.0001, 0.001, 0.01, 0.1, 1, 10}};
};

}  // namespace roomkeys
