#include "core/backup_import.h"

#include <utility>

#include "core/key_merge.h"

namespace roomkeys {

UserImport::UserImport(Transaction& tx, std::string user_id, SameJson same_json)
    : tx_(tx), user_id_(std::move(user_id)), same_json_(std::move(same_json)) {
  tx_.lock_user(user_id_);
}

Status UserImport::begin_version(const BackupVersion& theirs) {
  their_etag_ = theirs.etag;
  change_ = KeyChange{};
  deleted_now_ = false;
  tx_.reserve_version_ids(user_id_, theirs.version);  // ids are never reused
  auto ours = tx_.find_version(user_id_, theirs.version);
  is_new_ = !ours;
  if (is_new_) {
    ours_ = theirs;
    ours_.count = 0;
    tx_.insert_version(user_id_, ours_);
    takes_keys_ = !ours_.deleted;
    return Status::ok();
  }
  ours_ = std::move(*ours);
  if (ours_.algorithm != theirs.algorithm || !same_json_(ours_.auth_data, theirs.auth_data)) {
    return Status::error(Status::Code::kFailedPrecondition,
                         "version " + std::to_string(theirs.version) +
                             " exists on both sides with a different algorithm or auth_data");
  }
  if (theirs.deleted && !ours_.deleted) {
    // Deleted over there after an earlier import: deleted here too, its keys with it.
    KeyChange removed;
    removed.removed = tx_.delete_keys(user_id_, ours_.version, KeyScope{});
    change_ = removed;
    tx_.set_deleted(user_id_, ours_.version);
    ours_.deleted = deleted_now_ = true;
  }
  takes_keys_ = !ours_.deleted;
  return Status::ok();
}

void UserImport::add_keys(const std::vector<RoomKey>& keys) {
  if (!takes_keys_ || keys.empty()) return;
  std::vector<const RoomKey*> candidates = best_per_session(keys);
  MergePlan plan;
  if (is_new_) {
    plan.writes = std::move(candidates);  // nothing stored yet to compare with
    plan.change.added = static_cast<int64_t>(plan.writes.size());
  } else {
    plan = plan_merge(candidates, tx_.find_ranks(user_id_, ours_.version, candidates));
  }
  tx_.upsert_keys(user_id_, ours_.version, plan.writes);
  change_.added += plan.change.added;
  change_.replaced += plan.change.replaced;
}

VersionImportReport UserImport::finish_version() {
  VersionImportReport report;
  report.change = change_;
  if (is_new_) {
    // A copy, not a change: the other server's etag stays, so clients download nothing again.
    ours_.count = change_.added;
    if (ours_.count > 0) tx_.update_stats(user_id_, ours_.version, ours_.etag, ours_.count);
    report.kind = VersionImportReport::Kind::kNew;
  } else if (apply_imported_change(ours_, change_, their_etag_)) {
    tx_.update_stats(user_id_, ours_.version, ours_.etag, ours_.count);
    report.kind =
        deleted_now_ ? VersionImportReport::Kind::kDeleted : VersionImportReport::Kind::kMerged;
  } else {
    report.kind =
        deleted_now_ ? VersionImportReport::Kind::kDeleted : VersionImportReport::Kind::kUnchanged;
  }
  report.etag = ours_.etag;
  report.count = ours_.count;
  return report;
}

}  // namespace roomkeys
