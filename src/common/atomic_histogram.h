// A histogram with fixed bucket bounds that many threads observe into without a lock, read as a
// snapshot (Prometheus' shape: cumulative counts per upper bound, total count and sum).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace roomkeys {

class AtomicHistogram {
 public:
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // observations <= bounds[i]
    uint64_t count = 0;                // all observations (the +Inf bucket)
    double sum = 0;
  };

  explicit AtomicHistogram(std::vector<double> ascending_bounds)
      : bounds_(std::move(ascending_bounds)),
        buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

  void observe(double value) {
    size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    double sum = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
    }
  }

  Snapshot snapshot() const {
    Snapshot s;
    s.bounds = bounds_;
    uint64_t running = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      if (i < bounds_.size()) s.cumulative.push_back(running);
    }
    s.count = running;
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

}  // namespace roomkeys
