// The module's responder (mxm_responder of the C ABI) over one Pistache response: the four
// respond functions of the host API table, whole bodies and streamed ones.
#pragma once

#include <pistache/http.h>
#include <roomkeys/mxm_module.h>

#include <optional>

// One request's answer, as the module sees it through the ABI. Owned by the request pipeline,
// used only on the thread that runs the request's handler.
struct mxm_responder {
  enum class State { kNone, kStreaming, kDone };
  Pistache::Http::ResponseWriter* writer;
  std::optional<Pistache::Http::ResponseStream> stream;
  State state = State::kNone;
  uint16_t status = 0;  // the HTTP status the module answered with
};

namespace roomkeys::server {

// An mxm_host_api with only respond, respond_begin, respond_write and respond_end set.
mxm_host_api pistache_respond_functions();

}  // namespace roomkeys::server
