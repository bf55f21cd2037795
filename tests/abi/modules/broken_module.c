/* Deliberately broken modules, one per BROKEN_* definition, each refused or contained by a
 * correct host. Built as separate shared objects by tests/abi/CMakeLists.txt. */
#include <stdio.h>

#include "one_route_module.h"

/* Answers nothing: the host must answer 500 itself. */
static void silent_handler(void* data, const mxm_request* req, mxm_responder* resp) {
  (void)data;
  (void)req;
  (void)resp;
}

static mxm_status create(const mxm_host_api* api, mxm_module** out, mxm_error* err) {
#ifdef BROKEN_CREATE_FAILS
  (void)api;
  (void)out;
  snprintf(err->message, sizeof err->message, "this module always fails to create");
  return MXM_E_CONFIG;
#else
  (void)err;
  return create_with_route(api, out, silent_handler);
#endif
}

static const mxm_module_desc kDesc = {sizeof(mxm_module_desc),
#ifdef BROKEN_WRONG_MAGIC
                                      0xDEADBEEFu,
#else
                                      MXM_MODULE_MAGIC,
#endif
#ifdef BROKEN_WRONG_MAJOR
                                      MXM_ABI_MAJOR + 1,
#else
                                      MXM_ABI_MAJOR,
#endif
                                      MXM_ABI_MINOR,
                                      {"broken", 6},
                                      {"0.0.0", 5},
                                      create,
                                      start,
                                      stop,
                                      destroy};

#ifndef BROKEN_NO_ENTRY
MXM_EXPORT const mxm_module_desc* mxm_module_entry(uint16_t host_abi_major,
                                                   uint16_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
#ifdef BROKEN_NULL_ENTRY
  return NULL;
#else
  return &kDesc;
#endif
}
#else
MXM_EXPORT const mxm_module_desc* not_the_entry(void) { return &kDesc; }
#endif
