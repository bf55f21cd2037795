#include "core/key_backup_service.h"

#include <algorithm>
#include <utility>

#include "core/key_change.h"
#include "core/key_merge.h"
#include "core/version_id.h"

namespace roomkeys {
namespace {

using Mode = Repository::Mode;

Status unknown_version() {
  return Status::error(Status::Code::kNotFound, "Unknown backup version");
}

// The id a request names; an id that is not canonical names no version.
Result<int64_t> named_version_id(std::string_view text) {
  auto id = parse_version_id(text);
  if (!id) return unknown_version();
  return *id;
}

// How a request may use the version it names.
enum class VersionUse {
  kLive,    // a live version, or the current one when none is named
  kUpload,  // the current one: a live older one is kFailedPrecondition with the current id
  kAny,     // any version that ever existed, deleted or not
};

// The one resolution of "the version a request names" (docs/BEHAVIOUR.md, "Versions").
Result<BackupVersion> resolve_version(Transaction& tx, const std::string& user_id,
                                      std::optional<std::string_view> text, VersionUse use) {
  if (!text) {
    auto current = tx.current_version(user_id);
    if (!current) return Status::error(Status::Code::kNotFound, "No current backup version");
    return *current;
  }
  auto id = named_version_id(*text);
  if (!id.is_ok()) return id.status();
  std::optional<BackupVersion> current;
  if (use == VersionUse::kUpload) {
    // Uploads name the current version: one query in the usual case, a second only to tell
    // an old version (403) from an unknown one (404).
    current = tx.current_version(user_id);
    if (current && current->version == id.value()) return *current;
  }
  auto named = tx.find_version(user_id, id.value());
  if (!named || (named->deleted && use != VersionUse::kAny)) return unknown_version();
  if (use == VersionUse::kUpload) {
    // A live version that is not the current one implies a newer current one.
    return Status::error(Status::Code::kFailedPrecondition, "Wrong backup version.",
                         format_version_id(current->version));
  }
  return *named;
}

// Every change of a version's keys goes through here: the rule decides etag and count, and the
// version row is written only when something changed.
void record_key_change(Transaction& tx, const std::string& user_id, BackupVersion& version,
                       const KeyChange& change) {
  if (apply_key_change(version, change)) {
    tx.update_stats(user_id, version.version, version.etag, version.count);
  }
}

// Removes the keys of `scope` from a version, keeping its etag and count right.
void remove_keys(Transaction& tx, const std::string& user_id, BackupVersion& version,
                 KeyScope scope) {
  KeyChange change;
  change.removed = tx.delete_keys(user_id, version.version, scope);
  record_key_change(tx, user_id, version, change);
}

// Deletes a live version: its keys go, the flag is set.
void delete_live_version(Transaction& tx, const std::string& user_id, BackupVersion& version) {
  remove_keys(tx, user_id, version, KeyScope{});
  tx.set_deleted(user_id, version.version);
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
    auto live = resolve_version(tx, user_id, version, VersionUse::kLive);  // one statement
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
    auto live = resolve_version(tx, user_id, version, VersionUse::kLive);
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
  if (auto id = named_version_id(version); !id.is_ok()) return id.status();
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    auto found = resolve_version(tx, user_id, version, VersionUse::kAny);
    if (!found.is_ok()) return found.status();
    if (!found.value().deleted) delete_live_version(tx, user_id, found.value());
    return Status::ok();
  });
}

Result<KeysOutcome> KeyBackupService::upload_keys(const std::string& user_id,
                                                  std::string_view version,
                                                  const std::vector<RoomKey>& keys) {
  KeysOutcome outcome;
  Status status = repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    auto target = resolve_version(tx, user_id, version, VersionUse::kUpload);
    if (!target.is_ok()) return target.status();
    BackupVersion& v = target.value();
    const std::vector<const RoomKey*> candidates = best_per_session(keys);
    const MergePlan plan = plan_merge(candidates, tx.find_ranks(user_id, v.version, candidates));
    tx.upsert_keys(user_id, v.version, plan.writes);
    record_key_change(tx, user_id, v, plan.change);
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
    auto target = resolve_version(tx, user_id, version, VersionUse::kLive);
    if (!target.is_ok()) return target.status();
    BackupVersion& v = target.value();
    remove_keys(tx, user_id, v, scope);
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
    auto target = resolve_version(tx, user_id, version, VersionUse::kLive);
    if (!target.is_ok()) return target.status();
    tx.for_each_key(user_id, target.value().version, scope, visit);
    return Status::ok();
  });
}

Status KeyBackupService::purge_room(const std::string& room_id) {
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    const std::vector<std::string> users = tx.users_holding_room(room_id);
    // Locks in ascending order, so two purges never deadlock each other.
    for (const std::string& user_id : users) tx.lock_user(user_id);
    const KeyScope room{&room_id, nullptr};
    for (const std::string& user_id : users) {
      for (BackupVersion& v : tx.list_versions(user_id)) {
        if (!v.deleted) remove_keys(tx, user_id, v, room);
      }
    }
    return Status::ok();
  });
}

Status KeyBackupService::purge_user(const std::string& user_id) {
  return repository_.run(Mode::kWrite, [&](Transaction& tx) {
    tx.lock_user(user_id);
    for (BackupVersion& v : tx.list_versions(user_id)) {
      if (!v.deleted) delete_live_version(tx, user_id, v);
    }
    return Status::ok();
  });
}

Result<std::vector<VersionUsage>> KeyBackupService::user_usage(const std::string& user_id) {
  std::vector<VersionUsage> usage;
  Status status = repository_.run(Mode::kRead, [&](Transaction& tx) {
    usage.clear();
    const auto bytes = tx.key_bytes_by_version(user_id);
    for (BackupVersion& v : tx.list_versions(user_id)) {
      VersionUsage row{std::move(v), 0};
      for (const auto& [version, total] : bytes) {
        if (version == row.version.version) row.key_bytes = total;
      }
      usage.push_back(std::move(row));
    }
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return usage;
}

Result<StoreTotals> KeyBackupService::totals() {
  StoreTotals totals;
  Status status = repository_.run(Mode::kRead, [&](Transaction& tx) {
    totals = tx.totals();
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return totals;
}

Result<RoomKey> KeyBackupService::get_key(const std::string& user_id,
                                          std::optional<std::string_view> version,
                                          const std::string& room_id,
                                          const std::string& session_id) {
  const Status key_not_found = Status::error(Status::Code::kNotFound, "Key not found");
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
  // A named version: the version check and the key in one statement.
  auto id = named_version_id(*version);
  if (!id.is_ok()) return id.status();
  KeyInVersion found;
  Status status = repository_.run(Mode::kSingleRead, [&](Transaction& tx) {
    found = tx.find_key(user_id, id.value(), room_id, session_id);
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  if (!found.version_live) return unknown_version();
  if (!found.key) return key_not_found;
  return std::move(*found.key);
}

}  // namespace roomkeys
