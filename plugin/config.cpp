#include "config.h"

#include <charconv>
#include <optional>
#include <sstream>
#include <tuple>

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
  for (const auto& [key, target, min, max] :
       {std::tuple{"pool_size", &config.pool_size, size_t{1}, size_t{1024}},
        std::tuple{"sqlite_cache_mb", &config.sqlite_cache_mb, size_t{1}, size_t{65536}},
        std::tuple{"sqlite_mmap_mb", &config.sqlite_mmap_mb, size_t{0}, size_t{1} << 20}}) {
    if (auto text = lookup(api, key)) {
      size_t value = 0;
      auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
      if (error != std::errc() || end != text->data() + text->size() || value < min ||
          value > max) {
        return Status::error(Status::Code::kInvalidArgument,
                             std::string(key) + " must be a whole number from " +
                                 std::to_string(min) + " to " + std::to_string(max));
      }
      *target = value;
    }
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
