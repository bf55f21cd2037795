// The Pistache side of roomkeys-server: routing to the module's routes, 404/405, CORS and
// OPTIONS, authentication, the body-size limit and percent-decoding, then the module's handler
// through the C ABI.
#pragma once

#include <pistache/http.h>
#include <pistache/peer.h>

#include <atomic>
#include <memory>

#include "server/module_host.h"
#include "server/rate_limiter.h"
#include "server/token_auth.h"

namespace roomkeys::server {

class HttpHandler final : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(HttpHandler)

  HttpHandler(const ModuleHost* module, const TokenAuth* auth, RateLimiter* limiter,
              size_t max_body_bytes)
      : module_(module), auth_(auth), limiter_(limiter), max_body_bytes_(max_body_bytes) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override;

 private:
  const ModuleHost* module_;
  const TokenAuth* auth_;
  RateLimiter* limiter_;
  size_t max_body_bytes_;
};

}  // namespace roomkeys::server
