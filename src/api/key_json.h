// JSON text of the answers that carry stored data. Stored `session_data` and `auth_data` are
// spliced in verbatim, exactly as the client sent them.
#pragma once

#include <string>

#include "api/api_types.h"
#include "core/records.h"

namespace roomkeys {

// KeyBackupData: {"first_message_index":..,"forwarded_count":..,"is_verified":..,"session_data":..}
void append_key_data(std::string& out, const RoomKey& key);
// {"algorithm":..,"auth_data":..,"count":..,"etag":"..","version":".."}
std::string version_info_json(const BackupVersion& version);
// {"etag":"..","count":..}
std::string keys_outcome_json(int64_t etag, int64_t count);

// Streams the keys of one GET, given in (room, session) order, as {"rooms": {...}} (all rooms)
// or {"sessions": {...}} (one room). The response starts with the first key or at finish(), so
// an error found before any key can still be answered as a Matrix error.
class KeyStreamWriter {
 public:
  enum class Shape { kAllRooms, kOneRoom };
  KeyStreamWriter(Responder& responder, Shape shape) : responder_(responder), shape_(shape) {}

  // False once the client has gone away.
  bool add(const RoomKey& key);
  bool finish();
  bool started() const { return started_; }

 private:
  bool start();
  bool flush_if_full();

  Responder& responder_;
  Shape shape_;
  bool started_ = false;
  bool any_room_ = false;  // kAllRooms: a room object is open
  bool first_in_room_ = true;
  std::string room_;
  std::string buffer_;
};

}  // namespace roomkeys
