/* A module built against ABI 1.0: its descriptor ends after purge_room and says minor 0. A host
 * of a newer minor must serve it and never touch what lies beyond its struct_size -- here the
 * 1.1 functions are set to ones that abort, so a host that called them would crash the test. */
#include <stdlib.h>

#include "one_route_module.h"

static const char kBody[] = "{\"minor\":0}";
static int purged_users;

static const mxm_host_api* host;

static void answer(void* data, const mxm_request* req, mxm_responder* resp) {
  mxm_str type = {"application/json", 16};
  mxm_str body = {kBody, sizeof kBody - 1};
  (void)data;
  (void)req;
  host->respond(resp, purged_users ? 410 : 200, type, body);
}

static mxm_status create(const mxm_host_api* api, mxm_module** out, mxm_error* err) {
  (void)err;
  host = api;
  return create_with_route(api, out, answer);
}

static mxm_status purge_user(mxm_module* m, mxm_str user_id, mxm_error* err) {
  (void)m;
  (void)user_id;
  (void)err;
  purged_users++;
  return MXM_OK;
}
static mxm_status purge_room(mxm_module* m, mxm_str room_id, mxm_error* err) {
  (void)m;
  (void)room_id;
  (void)err;
  return MXM_OK;
}
static mxm_status never_metrics(mxm_module* m, mxm_metric_fn emit, void* ctx) {
  (void)m;
  (void)emit;
  (void)ctx;
  abort();
}
static mxm_status never_stats(mxm_module* m, mxm_str user_id, mxm_bytes_fn emit, void* ctx,
                              mxm_error* err) {
  (void)m;
  (void)user_id;
  (void)emit;
  (void)ctx;
  (void)err;
  abort();
}

static const mxm_module_desc kDesc = {
    (uint32_t)(offsetof(mxm_module_desc, purge_room) + sizeof(void (*)(void))),
    MXM_MODULE_MAGIC,
    MXM_ABI_MAJOR,
    0,
    {"minor0", 6},
    {"1.0.0", 5},
    create,
    start,
    stop,
    destroy,
    purge_user,
    purge_room,
    never_metrics,
    never_stats};

MXM_EXPORT const mxm_module_desc* mxm_module_entry(uint16_t host_abi_major,
                                                   uint16_t host_abi_minor) {
  (void)host_abi_minor;
  return host_abi_major == MXM_ABI_MAJOR ? &kDesc : NULL;
}
