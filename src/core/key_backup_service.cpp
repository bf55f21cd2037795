#include "core/key_backup_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/replacement_rule.h"
#include "core/version_id.h"

namespace roomkeys {
namespace {

using Mode = Repository::Mode;

Status unknown_version() {
  return Status::error(Status::Code::kNotFound, "Unknown backup version");
}
Status no_current_version() {
  return Status::error(Status::Code::kNotFound, "No current backup version");
}

// The version named by `text` if it exists and is not deleted; the current one for nullopt.
Result<BackupVersion> live_version(Transaction& tx, const std::string& user_id,
                                   std::optional<std::string_view> text) {
  if (!text) {
    auto current = tx.current_version(user_id);
    if (!current) return no_current_version();
    return *current;
  }
  auto id = parse_version_id(*text);
  if (!id) return unknown_version();
  auto found = tx.find_version(user_id, *id);
  if (!found || found->deleted) return unknown_version();
  return *found;
}

// The version an upload may write to: the current one, named by `text`. One query in the usual
// case; a second only to tell an old version (403) from an unknown one (404).
Result<BackupVersion> upload_target(Transaction& tx, const std::string& user_id,
                                    std::string_view text) {
  auto id = parse_version_id(text);
  if (!id) return unknown_version();
  auto current = tx.current_version(user_id);
  if (current && current->version == *id) return *current;
  auto named = tx.find_version(user_id, *id);
  if (!named || named->deleted) return unknown_version();
  // A live version that is not the current one implies a newer current one.
  return Status::wrong_version(format_version_id(current->version));
}

}  // namespace

KeyBackupService::KeyBackupService(Repository& repository,
                                   std::vector<std::string> allowed_algorithms)
    : repository_(repository), allowed_algorithms_(std::move(allowed_algorithms)) {}

Result<int64_t> KeyBackupService::create_version(const std::string& user_id,
                                                 const std::string& algorithm,
                                                 const std::string& auth_data) {
  if (!allowed_algorithms_.empty() &&
      std::find(allowed_algorithms_.begin(), allowed_algorithms_.end(), algorithm) ==
          allowed_algorithms_.end()) {
    return Status::error(Status::Code::kInvalidArgument, "Unsupported backup algorithm");
  }
  int64_t id = 0;
  Status status = repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    BackupVersion version;
    version.version = tx.allocate_version_id(user_id);
    version.algorithm = algorithm;
    version.auth_data = auth_data;
    tx.insert_version(user_id, version);
    id = version.version;
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return id;
}

Result<BackupVersion> KeyBackupService::get_version(const std::string& user_id,
                                                    std::optional<std::string_view> version) {
  BackupVersion found;
  Status status = repository_.run(Mode::kSingleRead, [&](Transaction& tx) {
    auto live = live_version(tx, user_id, version);  // one statement either way
    if (!live.is_ok()) return live.status();
    found = std::move(live.value());
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return found;
}

Status KeyBackupService::update_version(const std::string& user_id, std::string_view version,
                                        const std::string& algorithm, const std::string& auth_data,
                                        std::optional<std::string_view> body_version) {
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    auto live = live_version(tx, user_id, version);
    if (!live.is_ok()) return live.status();
    if (body_version && *body_version != version) {
      return Status::error(Status::Code::kInvalidArgument,
                           "The version in the body does not match the version in the path");
    }
    if (live.value().algorithm != algorithm) {
      return Status::error(Status::Code::kInvalidArgument, "Algorithm does not match");
    }
    tx.update_auth_data(user_id, live.value().version, auth_data);
    return Status::ok();
  });
}

Status KeyBackupService::delete_version(const std::string& user_id, std::string_view version) {
  auto id = parse_version_id(version);
  if (!id) return unknown_version();
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    auto found = tx.find_version(user_id, *id);
    if (!found) return unknown_version();
    if (!found->deleted) tx.mark_deleted(user_id, *id);
    return Status::ok();
  });
}

Result<KeysOutcome> KeyBackupService::upload_keys(const std::string& user_id,
                                                  std::string_view version,
                                                  const std::vector<RoomKey>& keys) {
  KeysOutcome outcome;
  Status status = repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    auto target = upload_target(tx, user_id, version);
    if (!target.is_ok()) return target.status();

    // One candidate per (room, session): a body may name a session twice, and the rule decides
    // between those too, in body order.
    using IdPair = std::pair<std::string_view, std::string_view>;  // views into `keys`
    std::map<IdPair, const RoomKey*> candidates;
    for (const RoomKey& key : keys) {
      auto [it, inserted] = candidates.emplace(IdPair(key.room_id, key.session_id), &key);
      if (!inserted && is_better_key(key.rank, it->second->rank)) it->second = &key;
    }
    std::vector<const RoomKey*> wanted;
    wanted.reserve(candidates.size());
    for (const auto& entry : candidates) wanted.push_back(entry.second);

    std::map<IdPair, KeyRank> stored;
    const std::vector<RoomKey> found = tx.find_ranks(user_id, target.value().version, wanted);
    for (const RoomKey& key : found) {
      stored.emplace(IdPair(key.room_id, key.session_id), key.rank);
    }

    std::vector<const RoomKey*> changed;
    int64_t added = 0;
    for (const RoomKey* key : wanted) {
      auto it = stored.find(IdPair(key->room_id, key->session_id));
      if (it == stored.end()) {
        ++added;
        changed.push_back(key);
      } else if (is_better_key(key->rank, it->second)) {
        changed.push_back(key);
      }
    }

    BackupVersion& v = target.value();
    if (!changed.empty()) {
      tx.upsert_keys(user_id, v.version, changed);
      v.etag += 1;
      v.count += added;
      tx.update_stats(user_id, v.version, v.etag, v.count);
    }
    outcome = {v.etag, v.count};
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return outcome;
}

Result<KeysOutcome> KeyBackupService::delete_keys(const std::string& user_id,
                                                  std::string_view version, KeyScope scope) {
  KeysOutcome outcome;
  Status status = repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    auto target = live_version(tx, user_id, version);
    if (!target.is_ok()) return target.status();
    BackupVersion& v = target.value();
    const int64_t removed = tx.delete_keys(user_id, v.version, scope);
    if (removed > 0) {
      v.etag += 1;
      v.count -= removed;
      tx.update_stats(user_id, v.version, v.etag, v.count);
    }
    outcome = {v.etag, v.count};
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return outcome;
}

Status KeyBackupService::read_keys(const std::string& user_id,
                                   std::optional<std::string_view> version, KeyScope scope,
                                   const std::function<bool(const RoomKey&)>& visit) {
  return repository_.run(Mode::kRead, [&](Transaction& tx) {
    auto target = live_version(tx, user_id, version);
    if (!target.is_ok()) return target.status();
    tx.for_each_key(user_id, target.value().version, scope, visit);
    return Status::ok();
  });
}

Status KeyBackupService::purge_room(const std::string& room_id) {
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.purge_room(room_id);
    return Status::ok();
  });
}

Status KeyBackupService::purge_user(const std::string& user_id) {
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    tx.purge_user(user_id);
    return Status::ok();
  });
}

Result<RoomKey> KeyBackupService::get_key(const std::string& user_id,
                                          std::optional<std::string_view> version,
                                          const std::string& room_id,
                                          const std::string& session_id) {
  const Status key_not_found = Status::error(Status::Code::kKeyNotFound, "Key not found");
  if (!version) {  // the current version: two statements, one snapshot
    std::optional<RoomKey> found;
    Status status =
        read_keys(user_id, version, KeyScope{&room_id, &session_id}, [&](const RoomKey& key) {
          found = key;
          return false;
        });
    if (!status.is_ok()) return status;
    if (!found) return key_not_found;
    return std::move(*found);
  }
  auto id = parse_version_id(*version);
  if (!id) return unknown_version();
  KeyInVersion found;
  Status status = repository_.run(Mode::kSingleRead, [&](Transaction& tx) {
    found = tx.find_key(user_id, *id, room_id, session_id);
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  if (!found.version_live) return unknown_version();
  if (!found.key) return key_not_found;
  return std::move(*found.key);
}

}  // namespace roomkeys
