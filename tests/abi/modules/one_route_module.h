/* What the C test modules share: one GET route on the backup-version path, and lifecycle
 * functions that do nothing. Included by exactly one .c file per module. */
#ifndef ONE_ROUTE_MODULE_H
#define ONE_ROUTE_MODULE_H

#include <roomkeys/mxm_module.h>
#include <string.h>

static const char kVersionPath[] = "/_matrix/client/v3/room_keys/version";

/* Registers `handler` for GET on the version path and hands out a static instance. */
static mxm_status create_with_route(const mxm_host_api* api, mxm_module** out,
                                    mxm_handler_fn handler) {
  static int instance;
  mxm_route route;
  memset(&route, 0, sizeof route);
  route.struct_size = (uint32_t)sizeof route;
  route.method = MXM_GET;
  route.path_template.ptr = kVersionPath;
  route.path_template.len = sizeof kVersionPath - 1;
  route.flags = MXM_ROUTE_REQUIRES_AUTH;
  route.handler = handler;
  api->register_route(api->host, &route);
  *out = (mxm_module*)&instance;
  return MXM_OK;
}

static mxm_status start(mxm_module* m, mxm_error* err) {
  (void)m;
  (void)err;
  return MXM_OK;
}
static void stop(mxm_module* m) { (void)m; }
static void destroy(mxm_module* m) { (void)m; }

#endif
