// The module's metrics (ABI 1.1 collect_metrics) as a prometheus-cpp Collectable, read at each
// scrape. A metric with a name Prometheus would refuse is left out.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "server/module_host.h"

namespace roomkeys::server {

class ModuleCollectable final : public prometheus::Collectable {
 public:
  explicit ModuleCollectable(const ModuleHost& module) : module_(module) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const ModuleHost& module_;
};

}  // namespace roomkeys::server
