// Transaction over one SOCI session inside an open database transaction.
#pragma once

#include <soci/soci.h>

#include <mutex>

#include "core/repository.h"
#include "storage/sql_dialect.h"
#include "storage/statement_cache.h"
#include "storage/user_stripes.h"

namespace roomkeys {

// The per-session read: one key and whether its version is live, in one statement. Binds
// :room_id, :session_id, :user_id, :version in that order; selects deleted, room_id, session_id,
// first_message_index, forwarded_count, is_verified, session_data (the key's columns NULL when
// it is absent).
const std::string& key_in_version_sql();

class SociTransaction final : public Transaction {
 public:
  // `stripes`: where lock_user first queues behind the process's other writers of that user
  // (held until end_turn() or until the transaction object goes); null: not at all.
  SociTransaction(soci::session& sql, const SqlDialect& dialect, StatementCache& statements,
                  UserStripes* stripes = nullptr)
      : sql_(sql), dialect_(dialect), statements_(statements), stripes_(stripes) {}

  void lock_user(const std::string& user_id) override;
  // Lets the process's next writer of the user go on to the database, which still holds it at
  // the user's row lock until this transaction's COMMIT has released that; called just before
  // COMMIT or ROLLBACK, so that the next writer's statements overlap this one's log flush.
  void end_turn();
  std::optional<BackupVersion> find_version(const std::string& user_id, int64_t version) override;
  std::optional<BackupVersion> current_version(const std::string& user_id) override;
  int64_t allocate_version_id(const std::string& user_id) override;
  void insert_version(const std::string& user_id, const BackupVersion& version) override;
  void reserve_version_ids(const std::string& user_id, int64_t id) override;
  void update_auth_data(const std::string& user_id, int64_t version,
                        const std::string& auth_data) override;
  void set_deleted(const std::string& user_id, int64_t version) override;
  void update_stats(const std::string& user_id, int64_t version, int64_t etag,
                    int64_t count) override;
  std::vector<BackupVersion> list_versions(const std::string& user_id) override;
  std::vector<std::pair<int64_t, int64_t>> key_bytes_by_version(
      const std::string& user_id) override;
  StoreTotals totals() override;
  std::vector<std::string> users_holding_room(const std::string& room_id) override;
  std::vector<RoomKey> find_ranks(const std::string& user_id, int64_t version,
                                  const std::vector<const RoomKey*>& wanted) override;
  void upsert_keys(const std::string& user_id, int64_t version,
                   const std::vector<const RoomKey*>& keys) override;
  KeyInVersion find_key(const std::string& user_id, int64_t version, const std::string& room_id,
                        const std::string& session_id) override;
  int64_t delete_keys(const std::string& user_id, int64_t version, KeyScope scope) override;
  void for_each_key(const std::string& user_id, int64_t version, KeyScope scope,
                    const std::function<bool(const RoomKey&)>& visit) override;

 private:
  std::vector<RoomKey> find_ranks_one_by_one(const std::string& user_id, int64_t version,
                                             const std::vector<const RoomKey*>& wanted);
  std::vector<RoomKey> find_ranks_batched(const std::string& user_id, int64_t version,
                                          const std::vector<const RoomKey*>& wanted);
  void upsert_keys_one_by_one(const std::string& user_id, int64_t version,
                              const std::vector<const RoomKey*>& keys);
  void upsert_keys_batched(const std::string& user_id, int64_t version,
                           const std::vector<const RoomKey*>& keys);
  soci::session& sql_;
  const SqlDialect& dialect_;
  StatementCache& statements_;  // this connection's
  UserStripes* stripes_;
  std::unique_lock<std::mutex> user_turn_;  // the first locked user's stripe
};

}  // namespace roomkeys
