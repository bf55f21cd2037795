// The key-backup rules of docs/BEHAVIOUR.md, over a Repository. Knows nothing of HTTP,
// JSON text or SQL. Every public call is one database transaction. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/records.h"
#include "core/repository.h"

namespace roomkeys {

// The state of a version after a change of its keys.
struct KeysOutcome {
  int64_t etag = 0;
  int64_t count = 0;
};

class KeyBackupService {
 public:
  // An empty allow-list accepts every algorithm.
  KeyBackupService(Repository& repository, std::vector<std::string> allowed_algorithms);

  Result<int64_t> create_version(const std::string& user_id, const std::string& algorithm,
                                 const std::string& auth_data);
  // The given version (not deleted), or the current one when `version` is nullopt.
  Result<BackupVersion> get_version(const std::string& user_id,
                                    std::optional<std::string_view> version);
  Status update_version(const std::string& user_id, std::string_view version,
                        const std::string& algorithm, const std::string& auth_data,
                        std::optional<std::string_view> body_version);
  Status delete_version(const std::string& user_id, std::string_view version);

  // Stores `keys` into the current version under the replacement rule, all or nothing.
  Result<KeysOutcome> upload_keys(const std::string& user_id, std::string_view version,
                                  const std::vector<RoomKey>& keys);
  Result<KeysOutcome> delete_keys(const std::string& user_id, std::string_view version,
                                  KeyScope scope);

  // Streams the keys in scope, ordered by (room, session), to `visit` (which may stop early by
  // returning false). Reads the current version when `version` is nullopt. Fails before the
  // first visit when the version does not exist.
  Status read_keys(const std::string& user_id, std::optional<std::string_view> version,
                   KeyScope scope, const std::function<bool(const RoomKey&)>& visit);
  // Operator purges. purge_room removes one room's keys from every user's versions;
  // purge_user removes all of a user's keys and marks all their versions deleted (ids are
  // still never reused). Both keep counts exact and etags right (core/key_change.h).
  Status purge_room(const std::string& room_id);
  Status purge_user(const std::string& user_id);

  // For operators: every version of the user (deleted ones too) with its keys' bytes; and the
  // totals of the whole store. Never key material.
  Result<std::vector<VersionUsage>> user_usage(const std::string& user_id);
  Result<StoreTotals> totals();

  Result<RoomKey> get_key(const std::string& user_id, std::optional<std::string_view> version,
                          const std::string& room_id, const std::string& session_id);

 private:
  Repository& repository_;
  std::vector<std::string> allowed_algorithms_;
};

}  // namespace roomkeys
