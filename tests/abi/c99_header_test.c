/* The ABI header must compile as strict C99 (-std=c99 -pedantic -Werror) and be usable from C. */
#include <roomkeys/mxm_module.h>
#include <stdio.h>

static void handler(void* data, const mxm_request* req, mxm_responder* resp) {
  (void)data;
  (void)req;
  (void)resp;
}

int main(void) {
  mxm_route route;
  mxm_str path = {"/x", 2};
  route.struct_size = (uint32_t)sizeof route;
  route.method = MXM_GET;
  route.path_template = path;
  route.flags = MXM_ROUTE_REQUIRES_AUTH;
  route.handler = handler;
  route.handler_data = NULL;
  if (!MXM_HAS(&route, mxm_route, handler_data)) return 1;
  printf("mxm_module.h %u.%u compiles as C99\n", MXM_ABI_MAJOR, MXM_ABI_MINOR);
  return 0;
}
