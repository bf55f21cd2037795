// The one route table of the key-backup API: every route under every prefix, with its handler.
// Hosts register these; the api layer never sees how requests arrive.
#pragma once

#include <string>
#include <vector>

#include "api/api_types.h"
#include "core/key_backup_service.h"

namespace roomkeys {

using HandlerFn = void (*)(KeyBackupService& service, const ApiRequest& request,
                           Responder& responder);

struct Route {
  Method method;
  std::string path_template;  // "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}"
  HandlerFn handler;
};

// Every route of docs/BEHAVIOUR.md under /_matrix/client/{v3,r0,unstable}.
const std::vector<Route>& key_backup_routes();

}  // namespace roomkeys
