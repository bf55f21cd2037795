#include "api/key_json.h"

#include "api/json_spans.h"

namespace roomkeys {
namespace {

constexpr size_t kChunkBytes =
    size_t{64} * 1024;  // big enough to amortise writes, small enough to stream

}  // namespace

void append_key_data(std::string& out, const RoomKey& key) {
  out += "{\"first_message_index\":";
  out += std::to_string(key.rank.first_message_index);
  out += ",\"forwarded_count\":";
  out += std::to_string(key.rank.forwarded_count);
  out += key.rank.is_verified ? ",\"is_verified\":true" : ",\"is_verified\":false";
  out += ",\"session_data\":";
  out += key.session_data;
  out += '}';
}

std::string version_info_json(const BackupVersion& version) {
  std::string out = "{\"algorithm\":";
  append_json_string(out, version.algorithm);
  out += ",\"auth_data\":";
  out += version.auth_data;
  out += ",\"count\":" + std::to_string(version.count);
  out += ",\"etag\":\"" + std::to_string(version.etag) + '"';
  out += ",\"version\":\"" + std::to_string(version.version) + "\"}";
  return out;
}

std::string keys_outcome_json(int64_t etag, int64_t count) {
  return "{\"etag\":\"" + std::to_string(etag) + "\",\"count\":" + std::to_string(count) + '}';
}

bool KeyStreamWriter::start() {
  if (started_) return true;
  started_ = true;
  buffer_ = shape_ == Shape::kAllRooms ? "{\"rooms\":{" : "{\"sessions\":{";
  return responder_.begin(200);
}

bool KeyStreamWriter::add(const RoomKey& key) {
  if (!start()) return false;
  if (shape_ == Shape::kAllRooms && (!any_room_ || key.room_id != room_)) {
    if (any_room_) buffer_ += "}},";
    append_json_string(buffer_, key.room_id);
    buffer_ += ":{\"sessions\":{";
    room_ = key.room_id;
    any_room_ = true;
    first_in_room_ = true;
  }
  if (!first_in_room_) buffer_ += ',';
  first_in_room_ = false;
  append_json_string(buffer_, key.session_id);
  buffer_ += ':';
  append_key_data(buffer_, key);
  return flush_if_full();
}

bool KeyStreamWriter::flush_if_full() {
  if (buffer_.size() < kChunkBytes) return true;
  const bool ok = responder_.write(buffer_);
  buffer_.clear();
  return ok;
}

bool KeyStreamWriter::finish() {
  if (!start()) return false;
  buffer_ += any_room_ ? "}}}}" : "}}";
  return responder_.write(buffer_) && responder_.end();
}

}  // namespace roomkeys
