// Matrix error responses: {"errcode": "...", "error": "..."} (+ current_version where defined).
#pragma once

#include <string>
#include <string_view>

#include "core/api_types.h"
#include "core/status.h"

namespace roomkeys {

std::string matrix_error_body(std::string_view errcode, std::string_view message);
// Answers a failed Status with its HTTP status and Matrix errcode.
void send_error(Responder& responder, const Status& status);

}  // namespace roomkeys
