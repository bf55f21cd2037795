// What every answer of roomkeys-server carries (CORS headers, the content type), and the host's
// own Matrix errors: those it answers before a module sees the request (401, 404, 405, 413,
// 429, ...).
#pragma once

#include <pistache/http.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/authenticator.h"

namespace roomkeys::server {

// The request's Authorization header (Pistache parses it into a typed header when it can).
std::optional<std::string> authorization_header(const Pistache::Http::Request& request);

void add_common_headers(Pistache::Http::ResponseWriter& writer, std::string_view content_type);

// {"errcode": ..., "error": ...}; `extra` holds further members, e.g. ",\"retry_after_ms\":5".
void send_error(Pistache::Http::ResponseWriter& writer, Pistache::Http::Code code,
                const char* errcode, const char* message, const std::string& extra = "");

// An authentication failure (server/authenticator.h): its status and Matrix error, soft_logout
// and retry_after_ms (with Retry-After) as the homeserver gave them.
void send_auth_failure(Pistache::Http::ResponseWriter& writer, const AuthResult& failure);

// A JSON body the host built itself.
void send_json(Pistache::Http::ResponseWriter& writer, Pistache::Http::Code code,
               const std::string& body);

// 429 M_LIMIT_EXCEEDED with retry_after_ms and a Retry-After header (whole seconds, rounded up).
void send_rate_limited(Pistache::Http::ResponseWriter& writer, int64_t wait_ms);

}  // namespace roomkeys::server
