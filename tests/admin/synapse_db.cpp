#include "admin/synapse_db.h"

#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <sstream>

extern "C" const soci::backend_factory* factory_postgresql();

namespace roomkeys::testing {
namespace {

// Synapse's schema of the two tables (synapse/storage/schema, unchanged for years).
const char* const kSchema = R"(
CREATE TABLE e2e_room_keys_versions (user_id TEXT NOT NULL, version BIGINT NOT NULL,
  algorithm TEXT NOT NULL, auth_data TEXT NOT NULL, deleted SMALLINT DEFAULT 0 NOT NULL,
  etag BIGINT);
CREATE UNIQUE INDEX e2e_room_keys_versions_idx ON e2e_room_keys_versions(user_id, version);
CREATE TABLE e2e_room_keys (user_id TEXT NOT NULL, room_id TEXT NOT NULL,
  session_id TEXT NOT NULL, version BIGINT NOT NULL, first_message_index INT,
  forwarded_count INT, is_verified BOOLEAN, session_data TEXT NOT NULL);
CREATE UNIQUE INDEX e2e_room_keys_with_version_idx ON e2e_room_keys(user_id, version, room_id,
  session_id)
)";

// A database name no other test (process) uses at the same time.
std::string unique_database_name() {
  static std::atomic<int> counter{0};
  return "synapse_t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

}  // namespace

SynapseDb::SynapseDb(SynapseBackend backend) : backend_(backend) {
  if (backend == SynapseBackend::kSqlite) {
    url_ = "sqlite:" + dir_.file("homeserver.db");
    sql_ =
        std::make_unique<soci::session>(soci::sqlite3, "db=\"" + dir_.file("homeserver.db") + "\"");
  } else {
    // Each test its own database on the fixture's server: tests run in parallel.
    database_ = unique_database_name();
    admin_ =
        std::make_unique<soci::session>(*factory_postgresql(), ROOMKEYS_TEST_POSTGRESQL_CONNINFO);
    *admin_ << "CREATE DATABASE " + database_;
    std::string url = ROOMKEYS_TEST_POSTGRESQL_URL;
    url_ = url.substr(0, url.rfind('/') + 1) + database_;
    // In a connection string the last value of a keyword wins.
    sql_ = std::make_unique<soci::session>(
        *factory_postgresql(),
        std::string(ROOMKEYS_TEST_POSTGRESQL_CONNINFO) + " dbname=" + database_);
  }
  std::istringstream schema(kSchema);
  for (std::string statement; std::getline(schema, statement, ';');) *sql_ << statement;
}

SynapseDb::~SynapseDb() {
  sql_.reset();
  if (!admin_) return;
  try {
    *admin_ << "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)";
  } catch (const soci::soci_error&) {
    // Left for the fixture's cleanup, which removes the whole server.
  }
}

void SynapseDb::add_version(const std::string& user, long long version,
                            const std::string& algorithm, const std::string& auth_data,
                            std::optional<long long> etag, int deleted) {
  long long etag_value = etag.value_or(0);
  soci::indicator etag_ind = etag ? soci::i_ok : soci::i_null;
  *sql_ << "INSERT INTO e2e_room_keys_versions (user_id, version, algorithm, auth_data, deleted, "
           "etag) VALUES (:u, :v, :a, :d, :x, :e)",
      soci::use(user), soci::use(version), soci::use(algorithm), soci::use(auth_data),
      soci::use(deleted), soci::use(etag_value, etag_ind);
}

void SynapseDb::add_key(const std::string& user, long long version, const std::string& room,
                        const std::string& session, std::optional<long long> first_message_index,
                        std::optional<long long> forwarded_count, std::optional<bool> is_verified,
                        const std::string& session_data) {
  long long fmi = first_message_index.value_or(0), fc = forwarded_count.value_or(0);
  soci::indicator fmi_ind = first_message_index ? soci::i_ok : soci::i_null;
  soci::indicator fc_ind = forwarded_count ? soci::i_ok : soci::i_null;
  // SQLite keeps the boolean as 0/1; PostgreSQL as a real boolean.
  int verified_int = is_verified.value_or(false) ? 1 : 0;
  soci::indicator verified_ind = is_verified ? soci::i_ok : soci::i_null;
  if (backend_ == SynapseBackend::kSqlite) {
    *sql_ << "INSERT INTO e2e_room_keys (user_id, room_id, session_id, version, "
             "first_message_index, forwarded_count, is_verified, session_data) VALUES "
             "(:u, :r, :s, :v, :f, :c, :i, :d)",
        soci::use(user), soci::use(room), soci::use(session), soci::use(version),
        soci::use(fmi, fmi_ind), soci::use(fc, fc_ind), soci::use(verified_int, verified_ind),
        soci::use(session_data);
  } else {
    std::string verified = is_verified.value_or(false) ? "true" : "false";
    *sql_ << "INSERT INTO e2e_room_keys (user_id, room_id, session_id, version, "
             "first_message_index, forwarded_count, is_verified, session_data) VALUES "
             "(:u, :r, :s, :v, :f, :c, CAST(:i AS BOOLEAN), :d)",
        soci::use(user), soci::use(room), soci::use(session), soci::use(version),
        soci::use(fmi, fmi_ind), soci::use(fc, fc_ind), soci::use(verified, verified_ind),
        soci::use(session_data);
  }
}

void SynapseDb::set_key(const std::string& user, long long version, const std::string& room,
                        const std::string& session, long long first_message_index,
                        long long forwarded_count, bool is_verified,
                        const std::string& session_data) {
  *sql_ << "DELETE FROM e2e_room_keys WHERE user_id = :u AND version = :v AND room_id = :r AND "
           "session_id = :s",
      soci::use(user), soci::use(version), soci::use(room), soci::use(session);
  add_key(user, version, room, session, first_message_index, forwarded_count, is_verified,
          session_data);
}

}  // namespace roomkeys::testing
