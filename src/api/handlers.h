// The handlers of the key-backup routes: decode the request, apply the service, answer JSON.
// Each answers exactly once through the Responder, errors included, and never throws for bad
// input. Path parameters: "version", "roomId", "sessionId"; query parameter: "version".
#pragma once

#include "api/api_types.h"
#include "core/key_backup_service.h"

namespace roomkeys {

void handle_create_version(KeyBackupService& service, const ApiRequest& request, Responder& out);
// GET /room_keys/version and GET /room_keys/version/{version}.
void handle_get_version(KeyBackupService& service, const ApiRequest& request, Responder& out);
void handle_update_version(KeyBackupService& service, const ApiRequest& request, Responder& out);
void handle_delete_version(KeyBackupService& service, const ApiRequest& request, Responder& out);

// The three forms each: all rooms, {roomId}, {roomId}/{sessionId}, told apart by the path
// parameters present.
void handle_put_keys(KeyBackupService& service, const ApiRequest& request, Responder& out);
void handle_get_keys(KeyBackupService& service, const ApiRequest& request, Responder& out);
void handle_delete_keys(KeyBackupService& service, const ApiRequest& request, Responder& out);

}  // namespace roomkeys
