#include "config.h"

#include <charconv>
#include <optional>
#include <sstream>

#include "abi_responder.h"

namespace roomkeys {
namespace {

// The setting's value, or nullopt when the host has none.
std::optional<std::string> lookup(const mxm_host_api& api, std::string_view key) {
  std::string value(256, '\0');
  size_t needed = 0;
  mxm_status status = api.config_get(api.host, abi_str(key), value.data(), value.size(), &needed);
  if (status == MXM_E_TRUNCATED) {
    value.resize(needed);
    status = api.config_get(api.host, abi_str(key), value.data(), value.size(), &needed);
  }
  if (status != MXM_OK) return std::nullopt;
  value.resize(needed);
  return value;
}

}  // namespace

Result<ModuleConfig> read_module_config(const mxm_host_api& api) {
  ModuleConfig config;
  if (auto database = lookup(api, "database"); database && !database->empty()) {
    config.database_url = *database;
  }
  if (auto pool = lookup(api, "pool_size")) {
    size_t size = 0;
    auto [end, error] = std::from_chars(pool->data(), pool->data() + pool->size(), size);
    if (error != std::errc() || end != pool->data() + pool->size() || size == 0 || size > 1024) {
      return Status::error(Status::Code::kInvalidArgument,
                           "pool_size must be a whole number from 1 to 1024");
    }
    config.pool_size = size;
  }
  if (auto algorithms = lookup(api, "allowed_algorithms")) {
    std::istringstream list(*algorithms);
    for (std::string item; std::getline(list, item, ',');) {
      const auto first = item.find_first_not_of(' ');
      if (first == std::string::npos) continue;
      config.allowed_algorithms.push_back(
          item.substr(first, item.find_last_not_of(' ') - first + 1));
    }
  }
  return config;
}

}  // namespace roomkeys
