#include "api/routes.h"

#include "api/handlers.h"

namespace roomkeys {

const std::vector<Route>& key_backup_routes() {
  static const std::vector<Route> routes = [] {
    struct Suffix {
      Method method;
      const char* path;
      HandlerFn handler;
    };
    const Suffix suffixes[] = {
        {Method::kPost, "/room_keys/version", handle_create_version},
        {Method::kGet, "/room_keys/version", handle_get_version},
        {Method::kGet, "/room_keys/version/{version}", handle_get_version},
        {Method::kPut, "/room_keys/version/{version}", handle_update_version},
        {Method::kDelete, "/room_keys/version/{version}", handle_delete_version},
        {Method::kPut, "/room_keys/keys", handle_put_keys},
        {Method::kGet, "/room_keys/keys", handle_get_keys},
        {Method::kDelete, "/room_keys/keys", handle_delete_keys},
        {Method::kPut, "/room_keys/keys/{roomId}", handle_put_keys},
        {Method::kGet, "/room_keys/keys/{roomId}", handle_get_keys},
        {Method::kDelete, "/room_keys/keys/{roomId}", handle_delete_keys},
        {Method::kPut, "/room_keys/keys/{roomId}/{sessionId}", handle_put_keys},
        {Method::kGet, "/room_keys/keys/{roomId}/{sessionId}", handle_get_keys},
        {Method::kDelete, "/room_keys/keys/{roomId}/{sessionId}", handle_delete_keys},
    };
    std::vector<Route> all;
    for (const char* prefix :
         {"/_matrix/client/v3", "/_matrix/client/r0", "/_matrix/client/unstable"}) {
      for (const Suffix& s : suffixes)
        all.push_back({s.method, prefix + std::string(s.path), s.handler});
    }
    return all;
  }();
  return routes;
}

}  // namespace roomkeys
