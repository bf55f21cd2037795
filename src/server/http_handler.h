// The Pistache side of roomkeys-server, for one whole request (ConnectionHandler frames them):
// routing to the module's routes, 404/405, CORS and OPTIONS, authentication, percent-decoding,
// then the module's handler through the C ABI.
#pragma once

#include <pistache/http.h>
#include <pistache/peer.h>

#include <atomic>
#include <memory>

#include "server/admin_api.h"
#include "server/authenticator.h"
#include "server/host_metrics.h"
#include "server/module_host.h"
#include "server/rate_limiter.h"

namespace roomkeys::server {

class HttpHandler final : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(HttpHandler)

  // `admin` may be null (no admin API).
  HttpHandler(const ModuleHost* module, Authenticator* auth, RateLimiter* limiter,
              HostMetrics* metrics, AdminApi* admin)
      : module_(module), auth_(auth), limiter_(limiter), metrics_(metrics), admin_(admin) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override;

 private:
  // Answers the request; `route` is set to the template it matched, `status` to the answer's.
  void serve(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter& response,
             std::string& route, int& status);

  const ModuleHost* module_;
  Authenticator* auth_;
  RateLimiter* limiter_;
  HostMetrics* metrics_;
  AdminApi* admin_;
};

}  // namespace roomkeys::server
