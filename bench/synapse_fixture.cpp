// Writes a Synapse homeserver.db (its two key-backup tables, as Synapse creates them) holding
// one user's backup of KEYS keys: the upload workload of bench/growth.sh (rooms of 10 to 3000
// sessions, random 43-character base64 session ids, incompressible ~1.2 KB session_data), its
// rows in the order the client uploaded them, across rooms, as Synapse stores them. The import
// reads them in key order, so it seeks all over Synapse's table, as it does on a real server.
//   roomkeys-bench-synapse PATH KEYS
#include <sqlite3.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "growth_workload.h"

namespace {

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

}  // namespace
int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: roomkeys-bench-synapse PATH KEYS\n");
    return 2;
  }
  const long keys = std::stol(argv[2]);
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  try {
    exec(db,
         "CREATE TABLE e2e_room_keys_versions (user_id TEXT NOT NULL, version BIGINT NOT NULL, "
         "algorithm TEXT NOT NULL, auth_data TEXT NOT NULL, deleted SMALLINT DEFAULT 0 NOT NULL, "
         "etag BIGINT);"
         "CREATE UNIQUE INDEX e2e_room_keys_versions_idx ON e2e_room_keys_versions(user_id, "
         "version);"
         "CREATE TABLE e2e_room_keys (user_id TEXT NOT NULL, room_id TEXT NOT NULL, session_id "
         "TEXT NOT NULL, version BIGINT NOT NULL, first_message_index INT, forwarded_count INT, "
         "is_verified BOOLEAN, session_data TEXT NOT NULL);"
         "CREATE UNIQUE INDEX e2e_room_keys_with_version_idx ON e2e_room_keys(user_id, version, "
         "room_id, session_id);"
         "INSERT INTO e2e_room_keys_versions VALUES ('@bench:example.org', 1, "
         "'m.megolm_backup.v1.curve25519-aes-sha2', '{\"public_key\": \"k\"}', 0, 1);"
         "BEGIN");
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO e2e_room_keys VALUES ('@bench:example.org', ?, ?, 1, ?, 0, "
                       "?, ?)",
                       -1, &insert, nullptr);
    const roomkeys::bench::GrowthWorkload workload(keys, 42);
    for (long i = 0; i < keys; ++i) {
      const std::string& room = workload.key(i).room_id;
      const std::string& session = workload.key(i).session_id;
      const std::string data = workload.session_data(i);
      sqlite3_bind_text(insert, 1, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, session.data(), static_cast<int>(session.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 3, i % 1000);
      sqlite3_bind_int(insert, 4, static_cast<int>(i % 2));
      sqlite3_bind_text(insert, 5, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    exec(db, "COMMIT");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "roomkeys-bench-synapse: %s\n", e.what());
    return 1;
  }
  sqlite3_close(db);
  return 0;
}
