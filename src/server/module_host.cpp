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

mxm_status ModuleHost::register_storage(mxm_host* host, const mxm_storage* storage) {
  ModuleHost& h = self(host);
  if (!h.creating_) return MXM_E_WRONG_PHASE;
  if (storage == nullptr || !MXM_HAS(storage, mxm_storage, health)) return MXM_E_INVALID_ARG;
  h.storages_.push_back({text(storage->name), *storage});
  return MXM_OK;
}

}  // namespace roomkeys::server
