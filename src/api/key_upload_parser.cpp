#include "api/key_upload_parser.h"

#include <charconv>
#include <optional>

#include "api/json_spans.h"
#include "common/json_validate.h"
#include "core/ids.h"

namespace roomkeys {
namespace {

// What is wrong with a part of the body; nullopt when nothing is.
using Problem = std::optional<MatrixError>;

MatrixError bad_json(const std::string& message) { return MatrixError::bad_json(message); }

MatrixError not_json() { return MatrixError::not_json("The request body is not a JSON object."); }

std::string where(const std::string& room_id, const std::string& session_id) {
  return " (room " + room_id + ", session " + session_id + ")";
}

// A non-negative integer written without fraction or exponent, within int64.
std::optional<int64_t> parse_count(std::string_view number) {
  int64_t value = 0;
  const char* end = number.data() + number.size();
  auto [ptr, error] = std::from_chars(number.data(), end, value);
  if (error != std::errc() || ptr != end || value < 0 || number[0] == '-') return std::nullopt;
  return value;
}

// Fills `key` from a KeyBackupData object; unknown members are ignored.
Problem parse_key_data(std::string_view data, RoomKey& key) {
  const std::string at = where(key.room_id, key.session_id);
  if (json_kind(data) != JsonKind::kObject) return bad_json("Key data must be an object" + at);
  std::optional<int64_t> first_message_index, forwarded_count;
  std::optional<bool> is_verified;
  std::optional<std::string_view> session_data;
  for_each_member(data, [&](const std::string& name, std::string_view value) {
    const bool is_number = json_kind(value) == JsonKind::kNumber;
    if (name == "first_message_index") {
      first_message_index = is_number ? parse_count(value) : std::nullopt;
    } else if (name == "forwarded_count") {
      forwarded_count = is_number ? parse_count(value) : std::nullopt;
    } else if (name == "is_verified") {
      is_verified =
          json_kind(value) == JsonKind::kBool ? std::optional<bool>(value[0] == 't') : std::nullopt;
    } else if (name == "session_data") {
      session_data = json_kind(value) == JsonKind::kNull ? std::nullopt
                                                         : std::optional<std::string_view>(value);
    }
    return true;
  });
  if (!first_message_index) {
    return bad_json("first_message_index must be a non-negative integer" + at);
  }
  if (!forwarded_count) return bad_json("forwarded_count must be a non-negative integer" + at);
  if (!is_verified) return bad_json("is_verified must be a boolean" + at);
  if (!session_data) return bad_json("session_data is required and must not be null" + at);
  key.rank = KeyRank{*first_message_index, *forwarded_count, *is_verified};
  key.session_data.assign(session_data->data(), session_data->size());
  return std::nullopt;
}

// Reads a {"sessions": {...}} object of one room, appending its keys.
Problem parse_sessions(std::string_view room, const std::string& room_id,
                       std::vector<RoomKey>& keys) {
  if (json_kind(room) != JsonKind::kObject) {
    return bad_json("Room " + room_id + " must be an object with \"sessions\".");
  }
  std::optional<std::string_view> sessions;
  for_each_member(room, [&](const std::string& name, std::string_view value) {
    if (name == "sessions") sessions = value;
    return true;
  });
  if (!sessions || json_kind(*sessions) != JsonKind::kObject) {
    return bad_json("\"sessions\" of room " + room_id + " must be an object.");
  }
  Problem problem;
  for_each_member(*sessions, [&](const std::string& session_id, std::string_view data) {
    if (Status id = check_session_id(session_id); !id.is_ok()) {
      problem = bad_json(id.message() + where(room_id, session_id));
      return false;
    }
    RoomKey& key = keys.emplace_back();
    key.room_id = room_id;
    key.session_id = session_id;
    problem = parse_key_data(data, key);
    return !problem;
  });
  return problem;
}

bool is_object_body(std::string_view body) {
  return is_valid_json(body) && json_kind(body) == JsonKind::kObject;
}

}  // namespace

ApiResult<std::vector<RoomKey>> parse_all_rooms_upload(std::string_view body) {
  if (!is_object_body(body)) return not_json();
  std::optional<std::string_view> rooms;
  for_each_member(body, [&](const std::string& name, std::string_view value) {
    if (name == "rooms") rooms = value;
    return true;
  });
  if (!rooms || json_kind(*rooms) != JsonKind::kObject) {
    return bad_json("\"rooms\" must be an object.");
  }
  std::vector<RoomKey> keys;
  Problem problem;
  for_each_member(*rooms, [&](const std::string& room_id, std::string_view room) {
    if (Status id = check_room_id(room_id); !id.is_ok()) {
      problem = bad_json(id.message() + " (room " + room_id + ")");
      return false;
    }
    problem = parse_sessions(room, room_id, keys);
    return !problem;
  });
  if (problem) return *problem;
  return keys;
}

ApiResult<std::vector<RoomKey>> parse_room_upload(std::string_view body,
                                                  const std::string& room_id) {
  if (!is_object_body(body)) return not_json();
  std::vector<RoomKey> keys;
  if (Problem problem = parse_sessions(body, room_id, keys)) return *problem;
  return keys;
}

ApiResult<std::vector<RoomKey>> parse_session_upload(std::string_view body,
                                                     const std::string& room_id,
                                                     const std::string& session_id) {
  if (!is_object_body(body)) return not_json();
  std::vector<RoomKey> keys(1);
  keys[0].room_id = room_id;
  keys[0].session_id = session_id;
  if (Problem problem = parse_key_data(body, keys[0])) return *problem;
  return keys;
}

}  // namespace roomkeys
