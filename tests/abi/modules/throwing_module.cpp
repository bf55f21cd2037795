// A module whose handler throws, built on roomkeys' own adapter (AbiResponder and the exception
// barrier), to show that no exception crosses the C ABI: the host sees a 500 M_UNKNOWN answer.
#include <roomkeys/mxm_module.h>

#include <stdexcept>

#include "abi_responder.h"
#include "barrier.h"

namespace {

const mxm_host_api* host_api = nullptr;
const char kPath[] = "/_matrix/client/v3/room_keys/version";

void throwing_handler(void*, const mxm_request*, mxm_responder* resp) {
  roomkeys::AbiResponder responder(*host_api, resp);
  roomkeys::run_handler_guarded(*host_api, responder,
                                [] { throw std::runtime_error("deliberate failure"); });
}

mxm_status create(const mxm_host_api* api, mxm_module** out, mxm_error* err) {
  return roomkeys::run_guarded(err, [&] {
    host_api = api;
    mxm_route route{};
    route.struct_size = sizeof route;
    route.method = MXM_GET;
    route.path_template = {kPath, sizeof kPath - 1};
    route.flags = MXM_ROUTE_REQUIRES_AUTH;
    route.handler = throwing_handler;
    api->register_route(api->host, &route);
    static int instance;
    *out = reinterpret_cast<mxm_module*>(&instance);
    return MXM_OK;
  });
}

mxm_status start(mxm_module*, mxm_error*) { return MXM_OK; }
void stop(mxm_module*) {}
void destroy(mxm_module*) {}

const mxm_module_desc kDesc = {sizeof(mxm_module_desc),
                               MXM_MODULE_MAGIC,
                               MXM_ABI_MAJOR,
                               MXM_ABI_MINOR,
                               {"throwing", 8},
                               {"0.0.0", 5},
                               create,
                               start,
                               stop,
                               destroy,
                               nullptr,
                               nullptr};

}  // namespace

extern "C" MXM_EXPORT const mxm_module_desc* mxm_module_entry(uint16_t, uint16_t) { return &kDesc; }
