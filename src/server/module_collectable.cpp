#include "server/module_collectable.h"

#include <prometheus/check_names.h>

#include <limits>

namespace roomkeys::server {

std::vector<prometheus::MetricFamily> ModuleCollectable::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  module_.collect_metrics([&](const mxm_metric& metric) {
    prometheus::MetricFamily family;
    family.name.assign(metric.name.ptr, metric.name.len);
    family.help.assign(metric.help.ptr, metric.help.len);
    if (!prometheus::CheckMetricName(family.name)) return;
    prometheus::ClientMetric value;
    switch (metric.type) {
      case MXM_METRIC_COUNTER:
        family.type = prometheus::MetricType::Counter;
        value.counter.value = metric.value;
        break;
      case MXM_METRIC_GAUGE:
        family.type = prometheus::MetricType::Gauge;
        value.gauge.value = metric.value;
        break;
      case MXM_METRIC_HISTOGRAM:
        family.type = prometheus::MetricType::Histogram;
        value.histogram.sample_count = metric.count;
        value.histogram.sample_sum = metric.sum;
        for (size_t i = 0; i < metric.n_buckets; ++i) {
          value.histogram.bucket.push_back({metric.bucket_counts[i], metric.bucket_bounds[i]});
        }
        value.histogram.bucket.push_back({metric.count, std::numeric_limits<double>::infinity()});
        break;
      default:
        return;  // a type from a newer minor: not understood here
    }
    family.metric.push_back(std::move(value));
    families.push_back(std::move(family));
  });
  return families;
}

}  // namespace roomkeys::server
