// The storage port of the key-backup rules: what the service needs from a database, owned by the
// core and implemented by storage/ (SOCI). Nothing here knows SQL.
//
// A Repository runs a unit of work inside one database transaction; the Transaction offers the
// small operations the service composes its rules from. Database failures never escape as
// exceptions: Repository::run catches them and answers a Status (kUnavailable when the database
// cannot be reached, kInternal otherwise), after rolling the transaction back.
//
// Thread safety: a Repository is shared by all request threads; each run() uses its own
// connection. A Transaction belongs to the thread that runs the unit of work.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "core/records.h"

namespace roomkeys {

class Transaction {
 public:
  virtual ~Transaction() = default;

  // Locks the user's row (creating it), so that concurrent writes of one user serialise.
  virtual void lock_user(const std::string& user_id) = 0;

  // The version, deleted or not; nullopt if it never existed.
  virtual std::optional<BackupVersion> find_version(const std::string& user_id,
                                                    int64_t version) = 0;
  // The user's highest-numbered version that is not deleted.
  virtual std::optional<BackupVersion> current_version(const std::string& user_id) = 0;
  // A fresh id, strictly greater than every id the user ever had (requires lock_user).
  virtual int64_t allocate_version_id(const std::string& user_id) = 0;
  // Inserts the version with all its fields (etag, count and deleted flag included).
  virtual void insert_version(const std::string& user_id, const BackupVersion& version) = 0;
  // Ids handed out from now on are greater than `id` (requires lock_user).
  virtual void reserve_version_ids(const std::string& user_id, int64_t id) = 0;
  virtual void update_auth_data(const std::string& user_id, int64_t version,
                                const std::string& auth_data) = 0;
  // Sets the deleted flag (the version's keys are removed separately, through delete_keys).
  virtual void set_deleted(const std::string& user_id, int64_t version) = 0;
  // Writes a version's etag and count (decided by apply_key_change, core/key_change.h).
  virtual void update_stats(const std::string& user_id, int64_t version, int64_t etag,
                            int64_t count) = 0;
  // Every version of the user, deleted ones included, by ascending id.
  virtual std::vector<BackupVersion> list_versions(const std::string& user_id) = 0;
  // Bytes of session data per version of the user that holds keys: (version, bytes) pairs.
  virtual std::vector<std::pair<int64_t, int64_t>> key_bytes_by_version(
      const std::string& user_id) = 0;
  // Counts over every user.
  virtual StoreTotals totals() = 0;
  // The users who hold keys of the room in any version, ascending.
  virtual std::vector<std::string> users_holding_room(const std::string& room_id) = 0;

  // Ranks of the stored keys among `wanted` (room_id, session_id pairs), in no particular order.
  virtual std::vector<RoomKey> find_ranks(const std::string& user_id, int64_t version,
                                          const std::vector<const RoomKey*>& wanted) = 0;
  // Inserts or overwrites each key.
  virtual void upsert_keys(const std::string& user_id, int64_t version,
                           const std::vector<const RoomKey*>& keys) = 0;
  // One key and whether its version exists and is not deleted, in one statement.
  virtual KeyInVersion find_key(const std::string& user_id, int64_t version,
                                const std::string& room_id, const std::string& session_id) = 0;
  // Removes the keys in scope; returns how many were removed.
  virtual int64_t delete_keys(const std::string& user_id, int64_t version, KeyScope scope) = 0;
  // Calls `visit` for every key in scope, ordered by (room_id, session_id); stops when it
  // returns false.
  virtual void for_each_key(const std::string& user_id, int64_t version, KeyScope scope,
                            const std::function<bool(const RoomKey&)>& visit) = 0;
};

class Repository {
 public:
  // kRead: one consistent snapshot across the statements of the work. kWrite: may write.
  // kSingleRead: the work runs exactly one statement, atomic by itself, so no transaction is
  // opened around it (two round trips fewer on a network database).
  enum class Mode { kRead, kWrite, kSingleRead };
  using Work = std::function<Status(Transaction&)>;

  virtual ~Repository() = default;

  // Runs `work` in one transaction, committed when it returns an ok Status and rolled back
  // otherwise; run returns once the commit is durable. A write may share its transaction with
  // concurrent writes (group commit, each in its own savepoint and undone alone) and may be
  // re-run from the start when the database reports a transient conflict, so `work` must have
  // no effects outside the transaction in kWrite mode.
  virtual Status run(Mode mode, const Work& work) = 0;

  // Brings the schema up to date; recorded in the database, so a second call is a no-op.
  virtual Status migrate() = 0;
  virtual int schema_version() const = 0;
  // Ok when the database answers a trivial query.
  virtual Status health() = 0;
};

}  // namespace roomkeys
