// Plain records exchanged between the key-backup service and a repository.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace roomkeys {

struct BackupVersion {
  int64_t version = 0;
  std::string algorithm;
  std::string auth_data;  // serialised JSON, stored and returned as sent
  int64_t etag = 0;       // bumped whenever the version's set of keys changes
  int64_t count = 0;      // number of keys stored in the version
  bool deleted = false;
};

// The three fields the replacement rule compares, without the (large) session data.
struct KeyRank {
  int64_t first_message_index = 0;
  int64_t forwarded_count = 0;
  bool is_verified = false;
};

struct RoomKey {
  std::string room_id;
  std::string session_id;
  KeyRank rank;
  std::string session_data;  // serialised JSON, stored and returned as sent
};

// A lookup of one key in one version: version_live is false for an unknown or deleted version.
struct KeyInVersion {
  bool version_live = false;
  std::optional<RoomKey> key;
};

// Which keys of a version an operation covers: all, one room, or one session of one room.
struct KeyScope {
  const std::string* room_id = nullptr;     // null: every room
  const std::string* session_id = nullptr;  // null: every session (needs room_id to be set)
};

// What one version holds, for operators: its record and the bytes of its keys' session data.
struct VersionUsage {
  BackupVersion version;
  int64_t key_bytes = 0;
};

// What the whole store holds, for operators.
struct StoreTotals {
  int64_t users = 0;     // users with at least one version
  int64_t versions = 0;  // deleted ones included
  int64_t deleted_versions = 0;
  int64_t keys = 0;
  int64_t key_bytes = 0;  // session data
};

}  // namespace roomkeys
