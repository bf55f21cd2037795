// Reads the body of the three key upload forms into RoomKeys. Every key is checked; the first
// violation fails the whole body (M_NOT_JSON or M_BAD_JSON, naming the room and session), so that
// nothing of a bad request is ever written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/matrix_error.h"
#include "core/records.h"

namespace roomkeys {

// {"rooms": {roomId: {"sessions": {sessionId: KeyBackupData}}}}
ApiResult<std::vector<RoomKey>> parse_all_rooms_upload(std::string_view body);
// {"sessions": {sessionId: KeyBackupData}}
ApiResult<std::vector<RoomKey>> parse_room_upload(std::string_view body,
                                                  const std::string& room_id);
// KeyBackupData
ApiResult<std::vector<RoomKey>> parse_session_upload(std::string_view body,
                                                     const std::string& room_id,
                                                     const std::string& session_id);

}  // namespace roomkeys
