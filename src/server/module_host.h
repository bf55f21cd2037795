// Loads a module shared object and drives it through the C ABI, as any host server would:
// dlopen, entry negotiation, the host service table, and the lifecycle
// create -> migrate -> start -> stop -> destroy.
#pragma once

#include <roomkeys/mxm_module.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/route_table.h"

namespace roomkeys::server {

class ModuleHost {
 public:
  // `config` answers the module's config_get; `respond` supplies the four respond functions.
  ModuleHost(std::map<std::string, std::string> config, const mxm_host_api& respond);
  ~ModuleHost();  // stop (if started), destroy, dlclose
  ModuleHost(const ModuleHost&) = delete;
  ModuleHost& operator=(const ModuleHost&) = delete;

  // Loads, creates, migrates and starts the module. "" on success, else why not.
  std::string load(const std::string& path);
  // No new requests; returns once the module's handlers have finished.
  void stop();

  const RouteTable& routes() const { return routes_; }

  // Operator calls on the started module (the admin API). MXM_E_NOT_FOUND when the module does
  // not offer the call (an older minor); `out` receives the error message, or user_stats' JSON.
  mxm_status purge_user(std::string_view user_id, std::string& out) const;
  mxm_status purge_room(std::string_view room_id, std::string& out) const;
  mxm_status user_stats(std::string_view user_id, std::string& out) const;
  // Calls `sink` with each metric the module reports (ABI 1.1); nothing for an older module.
  void collect_metrics(const std::function<void(const mxm_metric&)>& sink) const;
  // Asks every storage the module registered whether it can serve now. "" when all can, else
  // the first one's reason.
  std::string health() const;
  const mxm_host_api& api() const { return api_; }
  std::string module_name() const;
  std::string module_version() const;

 private:
  static void log(mxm_host* host, mxm_log_level level, mxm_str message);
  static int32_t log_enabled(mxm_host* host, mxm_log_level level);
  static mxm_status config_get(mxm_host* host, mxm_str key, char* buf, size_t buf_len,
                               size_t* out_len);
  static mxm_status register_route(mxm_host* host, const mxm_route* route);
  static mxm_status register_storage(mxm_host* host, const mxm_storage* storage);
  static ModuleHost& self(mxm_host* host);

  std::map<std::string, std::string> config_;
  mxm_host_api api_{};
  void* library_ = nullptr;
  const mxm_module_desc* desc_ = nullptr;
  mxm_module* module_ = nullptr;
  bool creating_ = false;
  bool started_ = false;
  RouteTable routes_;
  struct Storage {
    std::string name;  // copied: the module's string is only borrowed for the call
    mxm_storage table;
  };
  std::vector<Storage> storages_;
};

}  // namespace roomkeys::server
