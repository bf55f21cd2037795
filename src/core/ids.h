// Validation of the room and session ids a request names, in its path or its body.
#pragma once

#include <string_view>

#include "common/status.h"

namespace roomkeys {

constexpr size_t kMaxIdBytes = 255;

// Room ids start with '!' (a ":server" part is optional: newer room versions drop it).
Status check_room_id(std::string_view room_id);
Status check_session_id(std::string_view session_id);

}  // namespace roomkeys
