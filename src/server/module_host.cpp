#include "server/module_host.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <cstring>

namespace roomkeys::server {
namespace {

spdlog::level::level_enum to_spdlog(mxm_log_level level) {
  switch (level) {
    case MXM_LOG_TRACE:
      return spdlog::level::trace;
    case MXM_LOG_DEBUG:
      return spdlog::level::debug;
    case MXM_LOG_INFO:
      return spdlog::level::info;
    case MXM_LOG_WARN:
      return spdlog::level::warn;
    case MXM_LOG_ERROR:
      return spdlog::level::err;
    default:
      return spdlog::level::critical;
  }
}

std::string text(mxm_str s) { return s.ptr ? std::string(s.ptr, s.len) : std::string(); }

}  // namespace

ModuleHost::ModuleHost(std::map<std::string, std::string> config, const mxm_host_api& respond)
    : config_(std::move(config)) {
  api_.struct_size = sizeof api_;
  api_.abi_major = MXM_ABI_MAJOR;
  api_.abi_minor = MXM_ABI_MINOR;
  api_.host = reinterpret_cast<mxm_host*>(this);
  api_.log = log;
  api_.log_enabled = log_enabled;
  api_.config_get = config_get;
  api_.register_route = register_route;
  api_.register_storage = register_storage;
  api_.respond = respond.respond;
  api_.respond_begin = respond.respond_begin;
  api_.respond_write = respond.respond_write;
  api_.respond_end = respond.respond_end;
}

ModuleHost::~ModuleHost() {
  stop();
  if (module_ != nullptr) desc_->destroy(module_);
  // The module tolerates staying loaded; unloading is left to process exit, so that no thread
  // of a library the module used can outlive its code.
}

ModuleHost& ModuleHost::self(mxm_host* host) { return *reinterpret_cast<ModuleHost*>(host); }

std::string ModuleHost::load(const std::string& path) {
  library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) return std::string("cannot load module: ") + dlerror();
  auto entry = reinterpret_cast<mxm_entry_fn>(dlsym(library_, MXM_ENTRY_SYMBOL));
  if (entry == nullptr) return path + " is not a module: no " MXM_ENTRY_SYMBOL " symbol";
  const mxm_module_desc* desc = entry(MXM_ABI_MAJOR, MXM_ABI_MINOR);
  if (desc == nullptr) {
    return path + " does not support ABI major " + std::to_string(MXM_ABI_MAJOR);
  }
  if (desc->struct_size < sizeof(uint32_t) * 2 || desc->magic != MXM_MODULE_MAGIC) {
    return path + " is not a roomkeys-ABI module (bad magic)";
  }
  if (desc->abi_major != MXM_ABI_MAJOR) {
    return path + " was built for ABI major " + std::to_string(desc->abi_major) +
           ", this host speaks " + std::to_string(MXM_ABI_MAJOR);
  }
  if (!MXM_HAS(desc, mxm_module_desc, destroy) || !desc->create || !desc->start || !desc->stop ||
      !desc->destroy) {
    return path + " has an incomplete module descriptor";
  }
  desc_ = desc;

  mxm_error err{};
  creating_ = true;
  const mxm_status created = desc_->create(&api_, &module_, &err);
  creating_ = false;
  if (created != MXM_OK || module_ == nullptr) {
    module_ = nullptr;  // after a failed create the host calls nothing else
    return "module create failed (status " + std::to_string(created) + "): " + err.message;
  }
  for (const Storage& storage : storages_) {
    err = mxm_error{};
    if (storage.table.migrate && storage.table.migrate(module_, &err) != MXM_OK) {
      return "migration of " + storage.name + " failed: " + err.message;
    }
  }
  err = mxm_error{};
  if (desc_->start(module_, &err) != MXM_OK)
    return std::string("module start failed: ") + err.message;
  started_ = true;
  spdlog::info("loaded module {} {} from {}", module_name(), module_version(), path);
  return "";
}

void ModuleHost::stop() {
  if (started_) desc_->stop(module_);
  started_ = false;
}

namespace {

// A 1.1 function of the descriptor, or null when the module is older or left it out.
template <typename Fn>
Fn minor_1_function(const mxm_module_desc* desc, Fn mxm_module_desc::*field, size_t end) {
  if (desc == nullptr || desc->abi_minor < 1 || desc->struct_size < end) return nullptr;
  return desc->*field;
}

#define MXM_FIELD_END(field) \
  (offsetof(mxm_module_desc, field) + sizeof(static_cast<mxm_module_desc*>(nullptr)->field))

mxm_status call_purge(mxm_module* module, mxm_status (*purge)(mxm_module*, mxm_str, mxm_error*),
                      std::string_view id, std::string& out) {
  if (module == nullptr || purge == nullptr) return MXM_E_NOT_FOUND;
  mxm_error err{};
  const mxm_status status = purge(module, {id.data(), id.size()}, &err);
  if (status != MXM_OK) out = err.message;
  return status;
}

}  // namespace

mxm_status ModuleHost::purge_user(std::string_view user_id, std::string& out) const {
  const bool has = desc_ && MXM_HAS(desc_, mxm_module_desc, purge_user);
  return call_purge(module_, has ? desc_->purge_user : nullptr, user_id, out);
}

mxm_status ModuleHost::purge_room(std::string_view room_id, std::string& out) const {
  const bool has = desc_ && MXM_HAS(desc_, mxm_module_desc, purge_room);
  return call_purge(module_, has ? desc_->purge_room : nullptr, room_id, out);
}

mxm_status ModuleHost::user_stats(std::string_view user_id, std::string& out) const {
  const auto fn = minor_1_function(desc_, &mxm_module_desc::user_stats, MXM_FIELD_END(user_stats));
  if (module_ == nullptr || fn == nullptr) return MXM_E_NOT_FOUND;
  mxm_error err{};
  out.clear();
  const mxm_status status = fn(
      module_, {user_id.data(), user_id.size()},
      [](void* ctx, mxm_str bytes) {
        static_cast<std::string*>(ctx)->assign(bytes.ptr, bytes.len);
      },
      &out, &err);
  if (status != MXM_OK) out = err.message;
  return status;
}

void ModuleHost::collect_metrics(const std::function<void(const mxm_metric&)>& sink) const {
  const auto fn =
      minor_1_function(desc_, &mxm_module_desc::collect_metrics, MXM_FIELD_END(collect_metrics));
  if (module_ == nullptr || fn == nullptr) return;
  fn(
      module_,
      [](void* ctx, const mxm_metric* metric) {
        if (metric != nullptr && MXM_HAS(metric, mxm_metric, sum)) {
          (*static_cast<const std::function<void(const mxm_metric&)>*>(ctx))(*metric);
        }
      },
      const_cast<std::function<void(const mxm_metric&)>*>(&sink));
}

std::string ModuleHost::module_name() const { return desc_ ? text(desc_->name) : ""; }
std::string ModuleHost::module_version() const { return desc_ ? text(desc_->version) : ""; }

void ModuleHost::log(mxm_host* /*host*/, mxm_log_level level, mxm_str message) {
  spdlog::log(to_spdlog(level), "[module] {}", std::string_view(message.ptr, message.len));
}

int32_t ModuleHost::log_enabled(mxm_host* /*host*/, mxm_log_level level) {
  return spdlog::should_log(to_spdlog(level)) ? 1 : 0;
}

mxm_status ModuleHost::config_get(mxm_host* host, mxm_str key, char* buf, size_t buf_len,
                                  size_t* out_len) {
  if (out_len == nullptr || (buf == nullptr && buf_len > 0)) return MXM_E_INVALID_ARG;
  const auto& config = self(host).config_;
  auto it = config.find(text(key));
  if (it == config.end()) return MXM_E_NOT_FOUND;
  *out_len = it->second.size();
  if (buf_len < it->second.size()) return MXM_E_TRUNCATED;
  // The ABI hands back bytes and a length, never a NUL terminator.
  // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
  std::memcpy(buf, it->second.data(), it->second.size());
  return MXM_OK;
}

mxm_status ModuleHost::register_route(mxm_host* host, const mxm_route* route) {
  ModuleHost& h = self(host);
  if (!h.creating_) return MXM_E_WRONG_PHASE;
  if (route == nullptr || !MXM_HAS(route, mxm_route, handler_data)) return MXM_E_INVALID_ARG;
  if (route->method < MXM_GET || route->method > MXM_DELETE) return MXM_E_INVALID_ARG;
  return h.routes_.add(*route) ? MXM_OK : MXM_E_INVALID_ARG;
}

std::string ModuleHost::health() const {
  if (module_ == nullptr || !started_) return "the module is not running";
  for (const Storage& storage : storages_) {
    mxm_error err{};
    if (storage.table.health(module_, &err) != MXM_OK) return storage.name + ": " + err.message;
  }
  return "";
}

mxm_status ModuleHost::register_storage(mxm_host* host, const mxm_storage* storage) {
  ModuleHost& h = self(host);
  if (!h.creating_) return MXM_E_WRONG_PHASE;
  if (storage == nullptr || !MXM_HAS(storage, mxm_storage, health)) return MXM_E_INVALID_ARG;
  h.storages_.push_back({text(storage->name), *storage});
  return MXM_OK;
}

}  // namespace roomkeys::server
