#include "core/ids.h"

#include "common/utf8.h"

namespace roomkeys {
namespace {

Status invalid(const char* message) {
  return Status::error(Status::Code::kInvalidArgument, message);
}

}  // namespace

Status check_room_id(std::string_view room_id) {
  if (room_id.empty() || room_id[0] != '!') return invalid("Room ids start with '!'.");
  if (room_id.size() > kMaxIdBytes) return invalid("Room id is longer than 255 bytes.");
  if (!is_valid_utf8(room_id)) return invalid("Room id is not valid UTF-8.");
  return Status::ok();
}

Status check_session_id(std::string_view session_id) {
  if (session_id.empty()) return invalid("Session id is empty.");
  if (session_id.size() > kMaxIdBytes) return invalid("Session id is longer than 255 bytes.");
  if (!is_valid_utf8(session_id)) return invalid("Session id is not valid UTF-8.");
  return Status::ok();
}

}  // namespace roomkeys
