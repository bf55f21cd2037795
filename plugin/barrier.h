// The exception barrier of every function the module exports through the C ABI: no exception
// ever unwinds into the host.
#pragma once

#include <exception>
#include <string>

#include "abi_responder.h"
#include "api/matrix_error.h"

namespace roomkeys {

// Runs a route handler. An escaping exception is answered 500 M_UNKNOWN when nothing was sent
// yet; a stream already begun is left unended, which the host turns into an aborted response.
template <typename Body>
void run_handler_guarded(const mxm_host_api& api, AbiResponder& responder, Body&& body) noexcept {
  // The message is copied inside the catch: what() points into the exception, which is freed
  // when the catch block ends.
  std::string message;  // the default constructor does not allocate
  try {
    body();
    return;
  } catch (const std::exception& e) {
    try {
      message = std::string("handler failed: ") + e.what();
    } catch (...) {
      // Out of memory: the log line is lost, the answer below still goes out.
    }
  } catch (...) {
    try {
      message = "handler failed: unknown exception";
    } catch (...) {
    }
  }
  try {
    api.log(api.host, MXM_LOG_ERROR, abi_str(message));
    if (responder.untouched()) {
      responder.send(500, matrix_error_body("M_UNKNOWN", "Internal server error."));
    }
  } catch (...) {
    // Out of memory while reporting: the host answers 500 for an unanswered request.
  }
}

// Runs a lifecycle function, turning an exception into MXM_E_INTERNAL and a message.
template <typename Body>
mxm_status run_guarded(mxm_error* err, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    if (err) std::snprintf(err->message, sizeof err->message, "%s", e.what());
  } catch (...) {
    if (err) std::snprintf(err->message, sizeof err->message, "unknown exception");
  }
  return MXM_E_INTERNAL;
}

}  // namespace roomkeys
