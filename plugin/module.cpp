// roomkeys.so: the one exported entry point, and the adapter from the C ABI to the core.
#include <roomkeys/mxm_module.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "abi_responder.h"
#include "api/matrix_error.h"
#include "api/routes.h"
#include "api/stats_json.h"
#include "barrier.h"
#include "config.h"
#include "core/key_backup_service.h"
#include "module_metrics.h"
#include "storage/soci_repository.h"

namespace roomkeys {
namespace {

struct RouteBinding {
  mxm_module* module;
  HandlerFn handler;
};

}  // namespace
}  // namespace roomkeys

struct mxm_module {
  const mxm_host_api* api = nullptr;
  roomkeys::StorageMetrics metrics;  // outlives the repository, which counts into it
  std::unique_ptr<roomkeys::Repository> repository;
  std::unique_ptr<roomkeys::KeyBackupService> service;
  std::vector<roomkeys::RouteBinding> bindings;  // handler_data of each route; never reallocated
  mxm_storage storage{};

  // stop() waits for the handlers in flight.
  std::mutex mutex;
  std::condition_variable idle;
  int in_flight = 0;
  bool stopped = false;
};

namespace roomkeys {
namespace {

const char* const kModuleName = "room_keys";
const char* const kModuleVersion = ROOMKEYS_VERSION;

void set_error(mxm_error* err, const std::string& message) {
  if (err) std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
}

void log(const mxm_host_api& api, mxm_log_level level, std::string_view message) {
  api.log(api.host, level, abi_str(message));
}

mxm_method to_abi(Method method) {
  switch (method) {
    case Method::kGet:
      return MXM_GET;
    case Method::kPut:
      return MXM_PUT;
    case Method::kPost:
      return MXM_POST;
    case Method::kDelete:
      return MXM_DELETE;
  }
  return MXM_GET;
}

std::vector<Param> to_params(const mxm_kv* kv, size_t n) {
  std::vector<Param> params;
  params.reserve(n);
  for (size_t i = 0; i < n; ++i) params.emplace_back(view(kv[i].key), view(kv[i].value));
  return params;
}

// Counts a handler in flight for stop(); refuses once stopped.
class InFlight {
 public:
  explicit InFlight(mxm_module& m) : m_(m) {
    std::lock_guard<std::mutex> lock(m_.mutex);
    admitted_ = !m_.stopped;
    if (admitted_) ++m_.in_flight;
  }
  ~InFlight() {
    if (!admitted_) return;
    std::lock_guard<std::mutex> lock(m_.mutex);
    if (--m_.in_flight == 0) m_.idle.notify_all();
  }
  bool admitted() const { return admitted_; }

 private:
  mxm_module& m_;
  bool admitted_ = false;
};

void dispatch(void* handler_data, const mxm_request* req, mxm_responder* resp) {
  const auto* binding = static_cast<const RouteBinding*>(handler_data);
  mxm_module& m = *binding->module;
  AbiResponder responder(*m.api, resp);
  run_handler_guarded(*m.api, responder, [&] {
    InFlight in_flight(m);
    if (!in_flight.admitted()) {
      return responder.send(503, matrix_error_body("M_UNKNOWN", "The module is stopping."));
    }
    if (req == nullptr || !MXM_HAS(req, mxm_request, request_id)) {
      return responder.send(500, matrix_error_body("M_UNKNOWN", "Malformed request from host."));
    }
    if (req->user_id.ptr == nullptr || req->user_id.len == 0) {
      // Every route requires authentication: a host that dispatched one without a user would
      // otherwise make all such callers share a single backup.
      return responder.send(401, matrix_error_body("M_MISSING_TOKEN", "Missing access token."));
    }
    ApiRequest request;
    request.user_id = view(req->user_id);
    request.body = view(req->body);
    request.path_params = to_params(req->path_params, req->n_path_params);
    request.query = to_params(req->query, req->n_query);
    binding->handler(*m.service, request, responder);
  });
}

// A storage Status as an ABI status, its message in `err`.
mxm_status storage_status(const Status& status, mxm_error* err) {
  if (status.is_ok()) return MXM_OK;
  set_error(err, status.message());
  return MXM_E_STORAGE;
}

mxm_status migrate(mxm_module* m, mxm_error* err) {
  return run_guarded(err, [&] { return storage_status(m->repository->migrate(), err); });
}

mxm_status health(mxm_module* m, mxm_error* err) {
  return run_guarded(err, [&] { return storage_status(m->repository->health(), err); });
}

mxm_status register_everything(mxm_module& m, mxm_error* err) {
  const mxm_host_api& api = *m.api;
  const auto& routes = key_backup_routes();
  m.bindings.reserve(routes.size());
  for (const Route& route : routes) {
    m.bindings.push_back({&m, route.handler});
    mxm_route abi_route{};
    abi_route.struct_size = sizeof abi_route;
    abi_route.method = to_abi(route.method);
    abi_route.path_template = abi_str(route.path_template);
    abi_route.flags = MXM_ROUTE_REQUIRES_AUTH | MXM_ROUTE_RATE_LIMITED;
    abi_route.handler = dispatch;
    abi_route.handler_data = &m.bindings.back();
    if (mxm_status s = api.register_route(api.host, &abi_route); s != MXM_OK) {
      set_error(err, "host refused route " + route.path_template);
      return s;
    }
  }
  m.storage.struct_size = sizeof m.storage;
  m.storage.name = abi_str(kModuleName);
  m.storage.schema_version = static_cast<uint32_t>(m.repository->schema_version());
  m.storage.migrate = migrate;
  m.storage.health = health;
  if (mxm_status s = api.register_storage(api.host, &m.storage); s != MXM_OK) {
    set_error(err, "host refused the storage registration");
    return s;
  }
  return MXM_OK;
}

mxm_status create(const mxm_host_api* api, mxm_module** out, mxm_error* err) {
  return run_guarded(err, [&]() -> mxm_status {
    if (api == nullptr || out == nullptr || !MXM_HAS(api, mxm_host_api, respond_end)) {
      set_error(err, "host API table is missing or too old");
      return MXM_E_INVALID_ARG;
    }
    if (api->abi_major != MXM_ABI_MAJOR) {
      set_error(err, "host ABI major " + std::to_string(api->abi_major) + ", module needs " +
                         std::to_string(MXM_ABI_MAJOR));
      return MXM_E_VERSION;
    }
    auto config = read_module_config(*api);
    if (!config.is_ok()) {
      set_error(err, config.status().message());
      return MXM_E_CONFIG;
    }
    auto m = std::make_unique<mxm_module>();
    m->api = api;
    RepositoryOptions options;
    options.database_url = config.value().database_url;
    options.pool_size = config.value().pool_size;
    options.log_error = [api](std::string_view message) { log(*api, MXM_LOG_ERROR, message); };
    options.metrics = &m->metrics;
    options.sqlite.writer_cache_mb = config.value().sqlite_cache_mb;
    options.sqlite.mmap_mb = config.value().sqlite_mmap_mb;
    auto repository = open_soci_repository(options);
    if (!repository.is_ok()) {
      set_error(err, repository.status().message());
      return repository.status().code() == Status::Code::kInvalidArgument ? MXM_E_CONFIG
                                                                          : MXM_E_STORAGE;
    }
    m->repository = std::move(repository.value());
    m->service =
        std::make_unique<KeyBackupService>(*m->repository, config.value().allowed_algorithms);
    if (mxm_status s = register_everything(*m, err); s != MXM_OK) return s;
    log(*api, MXM_LOG_INFO, std::string("room_keys module ") + kModuleVersion + " created");
    *out = m.release();
    return MXM_OK;
  });
}

mxm_status start(mxm_module* m, mxm_error* err) {
  return run_guarded(err, [&] {
    std::lock_guard<std::mutex> lock(m->mutex);
    m->stopped = false;
    return MXM_OK;
  });
}

void stop(mxm_module* m) {
  try {
    std::unique_lock<std::mutex> lock(m->mutex);
    m->stopped = true;
    m->idle.wait(lock, [m] { return m->in_flight == 0; });
  } catch (...) {
    // A failed lock leaves nothing to wait for that the host could act on.
  }
}

void destroy(mxm_module* m) { delete m; }

using Purge = Status (KeyBackupService::*)(const std::string&);

mxm_status purge(mxm_module* m, mxm_str id, Purge what, mxm_error* err) {
  return run_guarded(err, [&]() -> mxm_status {
    if (id.ptr == nullptr || id.len == 0) {
      set_error(err, "empty id");
      return MXM_E_INVALID_ARG;
    }
    return storage_status((m->service.get()->*what)(std::string(view(id))), err);
  });
}

mxm_status purge_user(mxm_module* m, mxm_str user_id, mxm_error* err) {
  return purge(m, user_id, &KeyBackupService::purge_user, err);
}

mxm_status purge_room(mxm_module* m, mxm_str room_id, mxm_error* err) {
  return purge(m, room_id, &KeyBackupService::purge_room, err);
}

mxm_status collect_metrics(mxm_module* m, mxm_metric_fn emit, void* ctx) {
  mxm_error ignored;
  return run_guarded(&ignored, [&]() -> mxm_status {
    if (emit == nullptr) return MXM_E_INVALID_ARG;
    emit_storage_metrics(m->metrics, emit, ctx);
    return MXM_OK;
  });
}

mxm_status user_stats(mxm_module* m, mxm_str user_id, mxm_bytes_fn emit, void* ctx,
                      mxm_error* err) {
  return run_guarded(err, [&]() -> mxm_status {
    if (emit == nullptr) return MXM_E_INVALID_ARG;
    std::string json;
    if (user_id.len == 0) {
      auto totals = m->service->totals();
      if (!totals.is_ok()) return storage_status(totals.status(), err);
      json = totals_json(totals.value());
    } else {
      const std::string user(view(user_id));
      auto usage = m->service->user_usage(user);
      if (!usage.is_ok()) return storage_status(usage.status(), err);
      json = user_stats_json(user, usage.value());
    }
    emit(ctx, abi_str(json));
    return MXM_OK;
  });
}

const mxm_module_desc kDescriptor = {
    sizeof(mxm_module_desc),
    MXM_MODULE_MAGIC,
    MXM_ABI_MAJOR,
    MXM_ABI_MINOR,
    {kModuleName, std::char_traits<char>::length(kModuleName)},
    {kModuleVersion, std::char_traits<char>::length(kModuleVersion)},
    create,
    start,
    stop,
    destroy,
    purge_user,
    purge_room,
    collect_metrics,
    user_stats,
};

}  // namespace
}  // namespace roomkeys

extern "C" MXM_EXPORT const mxm_module_desc* mxm_module_entry(uint16_t host_abi_major,
                                                              uint16_t /*host_abi_minor*/) {
  return host_abi_major == MXM_ABI_MAJOR ? &roomkeys::kDescriptor : nullptr;
}
