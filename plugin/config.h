// The module's settings, read through the host's config_get. Documented for host developers in
// README.md ("Module settings").
#pragma once

#include <roomkeys/mxm_module.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace roomkeys {

struct ModuleConfig {
  std::string database_url = "sqlite:roomkeys.db";  // "database"
  size_t pool_size = 8;                             // "pool_size"
  std::vector<std::string> allowed_algorithms;      // "allowed_algorithms", comma-separated
  size_t sqlite_cache_mb = 128;                     // "sqlite_cache_mb": the writer's page cache
  size_t sqlite_mmap_mb = 2048;                     // "sqlite_mmap_mb": memory-mapped reads
};

// kInvalidArgument naming the setting when a value is unusable.
Result<ModuleConfig> read_module_config(const mxm_host_api& api);

}  // namespace roomkeys
