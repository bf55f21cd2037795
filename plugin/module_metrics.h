// The module's figures as ABI metrics (mxm_module_desc.collect_metrics, ABI 1.1).
#pragma once

#include <roomkeys/mxm_module.h>

#include "storage/storage_metrics.h"

namespace roomkeys {

void emit_storage_metrics(const StorageMetrics& metrics, mxm_metric_fn emit, void* ctx);

}  // namespace roomkeys
