#include "storage/sql_dialect.h"

namespace roomkeys {

const SqlDialect& SqlDialect::sqlite() {
  static const SqlDialect dialect{
      {"BEGIN"},
      // IMMEDIATE takes the write lock at once, so two writers never deadlock on an upgrade.
      {"BEGIN IMMEDIATE"},
      "INSERT INTO rk_users (user_id) VALUES (:user_id) ON CONFLICT (user_id) DO NOTHING",
      " ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET ",
      "excluded.",
      "",
      false,
      "",
      "LENGTH(CAST(session_data AS BLOB))",
      0,
      "room_id, session_id",
      "",
  };
  return dialect;
}

const SqlDialect& SqlDialect::mysql() {
  static const SqlDialect dialect{
      // A restore reads one consistent snapshot however many pages it takes.
      {"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
       "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"},
      // Writers serialise on the user's row; every read after that lock sees the latest commit
      // (the session's isolation is READ COMMITTED, set at connect: one round trip fewer per
      // write; single-statement reads need no transaction at all).
      {"START TRANSACTION"},
      // An upsert takes the exclusive row lock directly (INSERT IGNORE would take a shared lock
      // first, and two shared holders upgrading deadlock). It changes the row, so that on a
      // Galera cluster it is in the write set and concurrent writers of one user through
      // different nodes fail certification instead of both committing (sql/mysql/0002).
      "INSERT INTO rk_users (user_id) VALUES (:user_id) "
      "ON DUPLICATE KEY UPDATE write_seq = write_seq + 1",
      " ON DUPLICATE KEY UPDATE ",
      "VALUES(",
      ")",
      true,
      " FORCE INDEX (rk_keys_key)",
      "LENGTH(session_data)",
      1000,
      // The clustered order (sql/mysql/0003): a restore reads the table sequentially.
      "room_id, seq",
      " FORCE INDEX (PRIMARY)",
  };
  return dialect;
}

}  // namespace roomkeys
