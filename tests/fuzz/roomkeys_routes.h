// roomkeys' own routes in a RouteTable, for the fuzz harnesses that route raw paths.
#pragma once

#include <string>

#include "server/route_table.h"

namespace roomkeys::fuzz {

inline void no_handler(void*, const mxm_request*, mxm_responder*) {}

inline const server::RouteTable& roomkeys_routes() {
  static const server::RouteTable table = [] {
    server::RouteTable t;
    for (const char* prefix : {"/_matrix/client/v3", "/_matrix/client/r0"}) {
      const std::string base = std::string(prefix) + "/room_keys";
      for (const std::string path :
           {base + "/version", base + "/version/{version}", base + "/keys", base + "/keys/{roomId}",
            base + "/keys/{roomId}/{sessionId}"}) {
        for (mxm_method method : {MXM_GET, MXM_PUT, MXM_POST, MXM_DELETE}) {
          mxm_route route{};
          route.struct_size = sizeof route;
          route.method = method;
          route.path_template = {path.data(), path.size()};
          route.handler = no_handler;
          t.add(route);
        }
      }
    }
    return t;
  }();
  return table;
}

}  // namespace roomkeys::fuzz
