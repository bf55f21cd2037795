// Writes a Synapse homeserver.db (its two key-backup tables, as Synapse creates them) holding
// one user's backup of KEYS keys, shaped like what clients send: rooms of 10 to 3000 sessions,
// random 43-character base64 session ids, incompressible ~1.2 KB session_data.
//   roomkeys-bench-synapse PATH KEYS
#include <sqlite3.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

namespace {

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string random_base64(std::mt19937_64& random, size_t length) {
  std::string out(length, 'A');
  for (char& c : out) c = kBase64[random() % 64];
  return out;
}

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
    std::mt19937_64 random(42);
    std::string room;
    long left_in_room = 0;
    for (long i = 0; i < keys; ++i) {
      if (left_in_room == 0) {
        room = "!" + random_base64(random, 18) + ":example.org";
        left_in_room = 10 + static_cast<long>(random() % 2991);
      }
      --left_in_room;
      const std::string session = random_base64(random, 43);
      const std::string data = "{\"ciphertext\": \"" + random_base64(random, 1100) +
                               "\", \"ephemeral\": \"" + random_base64(random, 43) +
                               "\", \"mac\": \"" + random_base64(random, 22) + "\"}";
      sqlite3_bind_text(insert, 1, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, session.data(), static_cast<int>(session.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 3, static_cast<sqlite3_int64>(random() % 1000));
      sqlite3_bind_int(insert, 4, static_cast<int>(random() % 2));
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
