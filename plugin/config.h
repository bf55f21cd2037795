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
};

// kInvalidArgument naming the setting when a value is unusable.
Result<ModuleConfig> read_module_config(const mxm_host_api& api);

}  // namespace roomkeys
