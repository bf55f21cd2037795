/* mxm_module.h -- the host <-> module C ABI of roomkeys, version 1.1. Pure C99.
 *
 * A host server (a Matrix homeserver, or roomkeys-server) loads a module shared object with
 * dlopen(), looks up the one exported symbol MXM_ENTRY_SYMBOL and drives the module through the
 * descriptor it returns. Nothing else is shared: no C++ type, no exception, no allocator.
 *
 * COMPATIBILITY
 *   - MXM_ABI_MAJOR must be equal on both sides; the host refuses any other major.
 *   - Within a major, this file is append-only: new struct fields go at the END and are guarded by
 *     `struct_size` (use MXM_HAS before reading a field newer than 1.0), new enum values go at the
 *     end, no signature ever changes. Anything else bumps MXM_ABI_MAJOR.
 *   - Enums travel as int32_t; there is no bool, long, time_t, or C++ type in any signature.
 *   - A field added in a minor version is read only when the other side declares that minor and
 *     its struct is big enough: e.g. a host calls desc->collect_metrics (1.1) only if
 *     desc->abi_minor >= 1 && MXM_HAS(desc, mxm_module_desc, collect_metrics) && it is non-NULL.
 *
 * HISTORY
 *   1.0  routes, storages, purges.
 *   1.1  mxm_module_desc.collect_metrics (the module's own metrics, for the host's /metrics) and
 *        mxm_module_desc.user_stats (what an operator may see of a user's backups).
 *
 * OWNERSHIP
 *   - Strings are mxm_str {ptr, len}: NOT NUL-terminated, borrowed for the duration of the call
 *     that passes them, unless a comment states a longer lifetime. Whoever wants to keep one
 * copies.
 *   - Nothing allocated on one side is ever freed on the other.
 *   - mxm_error is caller-owned storage; the callee writes a NUL-terminated message into it.
 *
 * LIFECYCLE (host calls, in this order, never concurrently with each other)
 *   entry(host_major, host_minor) -> desc      must not allocate, log, start threads or throw
 *   desc->create(api, &module, err)            read config, open resources, register routes and
 *                                              storages; registration is only allowed here
 *   storage->migrate(module, err)              for every registered storage, before start
 *   desc->start(module, err)                   traffic may flow once it returns MXM_OK
 *   ... route handlers and purges, concurrently ...
 *   desc->stop(module)                         host dispatches no new request; returns once every
 *                                              handler the module is running has returned
 *   desc->destroy(module)                      releases everything; cannot fail
 *   dlclose()                                  optional; the module tolerates not being unloaded
 *   If create fails, the host calls nothing else (not even destroy). If migrate or start fails,
 *   the host calls destroy.
 *
 * THREADS
 *   Route handlers run on any host worker thread, possibly many at once, also for the same route.
 *   Every mxm_host_api function is thread-safe, except register_* (create only). A responder
 *   belongs to one request and is used only from the thread running that request's handler.
 *
 * ERRORS
 *   Functions report failure as mxm_status, with a human-readable message in mxm_error where one
 *   is passed. A handler answers every request, errors included, through its responder; if it
 *   returns without answering, the host answers 500. Messages never contain request bodies.
 */
#ifndef MXM_MODULE_H
#define MXM_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MXM_ABI_MAJOR 1u             /* host and module must agree exactly */
#define MXM_ABI_MINOR 1u             /* additive changes only */
#define MXM_MODULE_MAGIC 0x4D584D31u /* "MXM1": catches "not our kind of .so" */

#if defined(_WIN32)
#define MXM_EXPORT __declspec(dllexport)
#else
#define MXM_EXPORT __attribute__((visibility("default")))
#endif

/* True if a struct received from the other side is big enough to contain `field`. */
#define MXM_HAS(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((const type*)0)->field))

typedef int32_t mxm_status;
enum {
  MXM_OK = 0,
  MXM_E_VERSION = 1,     /* ABI versions do not match */
  MXM_E_INVALID_ARG = 2, /* a NULL, a too-small struct_size, an unknown enum value */
  MXM_E_NOT_FOUND = 3,   /* config key not set */
  MXM_E_TRUNCATED = 4,   /* buffer too small; *out_len says how much is needed */
  MXM_E_CONFIG = 5,      /* a configuration value is unusable */
  MXM_E_STORAGE = 6,     /* the database failed */
  MXM_E_WRONG_PHASE = 7, /* e.g. register_route outside create, respond twice */
  MXM_E_NOMEM = 8,
  MXM_E_INTERNAL = 9,
  MXM_E_CLOSED = 10 /* the client went away; stop producing the response */
};

typedef int32_t mxm_log_level;
enum {
  MXM_LOG_TRACE = 0,
  MXM_LOG_DEBUG = 1,
  MXM_LOG_INFO = 2,
  MXM_LOG_WARN = 3,
  MXM_LOG_ERROR = 4,
  MXM_LOG_CRITICAL = 5
};

typedef int32_t mxm_method;
enum { MXM_GET = 1, MXM_PUT = 2, MXM_POST = 3, MXM_DELETE = 4 };

/* mxm_route.flags */
enum {
  MXM_ROUTE_REQUIRES_AUTH = 1u << 0, /* host must authenticate and fill mxm_request.user_id */
  MXM_ROUTE_RATE_LIMITED = 1u << 1   /* host should apply its per-user rate limit */
};

/* Borrowed bytes, NOT NUL-terminated; lifetime stated wherever one is passed. */
typedef struct mxm_str {
  const char* ptr;
  size_t len;
} mxm_str;

typedef struct mxm_kv {
  mxm_str key;
  mxm_str value;
} mxm_kv;

/* Caller-owned error text: the callee writes a NUL-terminated message; nobody frees. */
typedef struct mxm_error {
  char message[512];
} mxm_error;

typedef struct mxm_host mxm_host;           /* host-owned; valid until destroy() returns */
typedef struct mxm_responder mxm_responder; /* host-owned; valid until the handler returns */
typedef struct mxm_module mxm_module;       /* module-owned instance */

/* One HTTP request, host-owned and borrowed: every pointer is valid only during the handler
 * call. The host has already routed, authenticated and decoded it. */
typedef struct mxm_request {
  uint32_t struct_size; /* sizeof(mxm_request) in the host build */
  mxm_method method;
  mxm_str path;              /* the raw request path, as received (for logs) */
  const mxm_kv* path_params; /* template captures, percent-decoded exactly once,
                                e.g. {"roomId", "!abc:hs"}; valid UTF-8 */
  size_t n_path_params;
  const mxm_kv* query; /* query parameters, percent-decoded exactly once; valid UTF-8 */
  size_t n_query;
  mxm_str user_id;    /* authenticated "@user:server"; empty if the route needs no auth
                         (a module answers 401 to an empty one on a route that does) */
  mxm_str device_id;  /* may be empty */
  mxm_str body;       /* raw request body, may be empty */
  mxm_str request_id; /* for log correlation, may be empty */
} mxm_request;

/* Runs on any host worker thread, possibly concurrently. Must answer through `resp` exactly once
 * (respond, or respond_begin ... respond_end). */
typedef void (*mxm_handler_fn)(void* handler_data, const mxm_request* req, mxm_responder* resp);

typedef struct mxm_route {
  uint32_t struct_size;
  mxm_method method;
  /* "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}": literal segments match exactly,
   * a segment of the form {name} captures one whole segment as path parameter `name`. */
  mxm_str path_template;
  uint32_t flags; /* MXM_ROUTE_* */
  mxm_handler_fn handler;
  void* handler_data; /* module-owned; valid until destroy() */
} mxm_route;

/* A database schema the module owns and the host orchestrates. */
typedef struct mxm_storage {
  uint32_t struct_size;
  mxm_str name;            /* e.g. "room_keys"; for the host's logs */
  uint32_t schema_version; /* newest schema version this build migrates to */
  /* Bring the schema to `schema_version`; the applied versions are recorded in the database
   * itself, so running it again is a no-op. Called after create, before start. */
  mxm_status (*migrate)(mxm_module* m, mxm_error* err);
  /* MXM_OK when the database answers; callable any time after start, from any thread. */
  mxm_status (*health)(mxm_module* m, mxm_error* err);
} mxm_storage;

/* Host services; the table and `host` stay valid until destroy() returns. */
typedef struct mxm_host_api {
  uint32_t struct_size; /* MXM_HAS() before touching fields newer than 1.0 */
  uint16_t abi_major;
  uint16_t abi_minor;
  mxm_host* host; /* first argument of every call below */

  void (*log)(mxm_host* h, mxm_log_level level, mxm_str message);
  int32_t (*log_enabled)(mxm_host* h, mxm_log_level level); /* nonzero if it would be logged */

  /* Copies the module's setting `key` (e.g. "database") into buf, without a NUL terminator.
   * MXM_E_NOT_FOUND if unset; MXM_E_TRUNCATED if buf_len is too small (*out_len = needed). */
  mxm_status (*config_get)(mxm_host* h, mxm_str key, char* buf, size_t buf_len, size_t* out_len);

  /* Only inside create() (else MXM_E_WRONG_PHASE); the host copies what it keeps. */
  mxm_status (*register_route)(mxm_host* h, const mxm_route* route);
  mxm_status (*register_storage)(mxm_host* h, const mxm_storage* storage);

  /* Answer with a whole body. The host copies content_type and body before returning.
   * The host adds its own headers (e.g. CORS, Content-Length). */
  mxm_status (*respond)(mxm_responder* r, uint16_t http_status, mxm_str content_type, mxm_str body);

  /* Answer with a streamed body of unknown length: begin once, write any number of chunks, end
   * once. respond_write may block until the client has taken earlier chunks (backpressure), so
   * memory stays bounded; it returns MXM_E_CLOSED once the client is gone, and the module should
   * stop. Returning from the handler without respond_end aborts the response (the client sees a
   * truncated body, never a complete-looking wrong one). */
  mxm_status (*respond_begin)(mxm_responder* r, uint16_t http_status, mxm_str content_type);
  mxm_status (*respond_write)(mxm_responder* r, mxm_str chunk);
  mxm_status (*respond_end)(mxm_responder* r);
} mxm_host_api;

/* 1.1: one metric the module reports (collect_metrics). Every pointer is borrowed for the
 * duration of the emit call. Names follow Prometheus: [a-zA-Z_:][a-zA-Z0-9_:]*; a COUNTER's name
 * ends in "_total". */
typedef int32_t mxm_metric_type;
enum { MXM_METRIC_COUNTER = 1, MXM_METRIC_GAUGE = 2, MXM_METRIC_HISTOGRAM = 3 };

typedef struct mxm_metric {
  uint32_t struct_size;
  mxm_metric_type type;
  mxm_str name;
  mxm_str help;
  double value; /* COUNTER (never decreasing) and GAUGE */
  /* HISTOGRAM: n_buckets ascending upper bounds, each with the CUMULATIVE count of observations
   * <= it; the +Inf bucket is `count`. */
  const double* bucket_bounds;
  const uint64_t* bucket_counts;
  size_t n_buckets;
  uint64_t count;
  double sum;
} mxm_metric;

/* Receives one metric; `ctx` is the host's. */
typedef void (*mxm_metric_fn)(void* ctx, const mxm_metric* metric);
/* Receives bytes (a whole document at once); borrowed for the call. */
typedef void (*mxm_bytes_fn)(void* ctx, mxm_str bytes);

/* Static module data, valid while the shared object is loaded. */
typedef struct mxm_module_desc {
  uint32_t struct_size;
  uint32_t magic;     /* MXM_MODULE_MAGIC */
  uint16_t abi_major; /* ABI the module was compiled against */
  uint16_t abi_minor;
  mxm_str name;    /* "room_keys" */
  mxm_str version; /* module release, semver */
  mxm_status (*create)(const mxm_host_api* api, mxm_module** out, mxm_error* err);
  mxm_status (*start)(mxm_module* m, mxm_error* err);
  void (*stop)(mxm_module* m);
  void (*destroy)(mxm_module* m);

  /* Operator purges, called by the host between start and stop, from any thread.
   * purge_user: the account is deactivated; all its keys go and all its backup versions are
   * marked deleted (version ids are still never reused). purge_room: the room's keys go from
   * every user's backups, and the etag of each version that held some changes.
   * MXM_E_INVALID_ARG for an empty id, MXM_E_STORAGE when the database fails. */
  mxm_status (*purge_user)(mxm_module* m, mxm_str user_id, mxm_error* err);
  mxm_status (*purge_room)(mxm_module* m, mxm_str room_id, mxm_error* err);

  /* ---- 1.1 (see COMPATIBILITY before calling) ---- */

  /* Emits each of the module's metrics through `emit`, synchronously, then returns. Callable
   * between start and stop from any thread (a scrape); cheap, never touches the database. */
  mxm_status (*collect_metrics)(mxm_module* m, mxm_metric_fn emit, void* ctx);
  /* What an operator may see of one user's backups, as one JSON document passed to `emit`
   * (never key material): {"user_id":..,"versions":[{"version":"1","algorithm":..,"count":N,
   * "etag":"E","deleted":false,"bytes":N}],"keys":N,"bytes":N}. An empty user_id gives the
   * totals instead: {"users":N,"versions":N,"deleted_versions":N,"keys":N,"bytes":N}.
   * MXM_E_STORAGE when the database fails (emit is then not called). */
  mxm_status (*user_stats)(mxm_module* m, mxm_str user_id, mxm_bytes_fn emit, void* ctx,
                           mxm_error* err);
} mxm_module_desc;

/* The ONLY exported symbol. Returns NULL if this module cannot serve the host's ABI major. */
#define MXM_ENTRY_SYMBOL "mxm_module_entry"
typedef const mxm_module_desc* (*mxm_entry_fn)(uint16_t host_abi_major, uint16_t host_abi_minor);
MXM_EXPORT const mxm_module_desc* mxm_module_entry(uint16_t host_abi_major,
                                                   uint16_t host_abi_minor);

/* Layout checks, valid C99 and C++: a negative array size fails the build. */
typedef char mxm_check_str_layout[(sizeof(mxm_str) == 2 * sizeof(void*)) ? 1 : -1];
typedef char mxm_check_request_layout[(offsetof(mxm_request, method) == 4) ? 1 : -1];
typedef char mxm_check_desc_layout[(offsetof(mxm_module_desc, magic) == 4) ? 1 : -1];
typedef char mxm_check_api_layout[(offsetof(mxm_host_api, abi_major) == 4) ? 1 : -1];

#ifdef __cplusplus
}
#endif
#endif /* MXM_MODULE_H */
