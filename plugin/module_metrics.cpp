#include "module_metrics.h"

#include <string_view>

#include "abi_responder.h"

namespace roomkeys {
namespace {

void emit_counter(mxm_metric_fn emit, void* ctx, std::string_view name, std::string_view help,
                  uint64_t value) {
  mxm_metric metric{};
  metric.struct_size = sizeof metric;
  metric.type = MXM_METRIC_COUNTER;
  metric.name = abi_str(name);
  metric.help = abi_str(help);
  metric.value = static_cast<double>(value);
  emit(ctx, &metric);
}

void emit_histogram(mxm_metric_fn emit, void* ctx, std::string_view name, std::string_view help,
                    const AtomicHistogram& histogram) {
  const AtomicHistogram::Snapshot s = histogram.snapshot();
  mxm_metric metric{};
  metric.struct_size = sizeof metric;
  metric.type = MXM_METRIC_HISTOGRAM;
  metric.name = abi_str(name);
  metric.help = abi_str(help);
  metric.bucket_bounds = s.bounds.data();
  metric.bucket_counts = s.cumulative.data();
  metric.n_buckets = s.bounds.size();
  metric.count = s.count;
  metric.sum = s.sum;
  emit(ctx, &metric);
}

}  // namespace

void emit_storage_metrics(const StorageMetrics& metrics, mxm_metric_fn emit, void* ctx) {
  emit_counter(emit, ctx, "roomkeys_db_retries_total",
               "Units of database work run again after a transient conflict",
               metrics.retries.load(std::memory_order_relaxed));
  emit_counter(emit, ctx, "roomkeys_db_reconnects_total",
               "Database connections re-opened after they broke",
               metrics.reconnects.load(std::memory_order_relaxed));
  emit_histogram(emit, ctx, "roomkeys_db_write_group_size",
                 "Writes sharing one durable commit (group commit; SQLite)",
                 metrics.write_group_size);
  emit_histogram(emit, ctx, "roomkeys_db_connection_wait_seconds",
                 "Time a unit of work waited for a pooled database connection",
                 metrics.connection_wait_seconds);
}

}  // namespace roomkeys
