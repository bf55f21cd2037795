// A RoomKey in one line, for tests of the rules.
#pragma once

#include <string>
#include <utility>

#include "core/records.h"

namespace roomkeys::testing {

inline RoomKey key(std::string room, std::string session, KeyRank rank,
                   std::string data = "\"d\"") {
  RoomKey k;
  k.room_id = std::move(room);
  k.session_id = std::move(session);
  k.rank = rank;
  k.session_data = std::move(data);
  return k;
}

}  // namespace roomkeys::testing
