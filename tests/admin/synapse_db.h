// A Synapse-schema database made by a test: the two key-backup tables exactly as Synapse
// creates them, on SQLite (homeserver.db) or on the PostgreSQL of the CTest fixture
// "postgresql", with rows written the way Synapse writes them.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <optional>
#include <string>

#include "storage/temp_dir.h"

namespace roomkeys::testing {

enum class SynapseBackend { kSqlite, kPostgresql };

class SynapseDb {
 public:
  explicit SynapseDb(SynapseBackend backend);  // empty tables
  ~SynapseDb();
  const std::string& url() const { return url_; }  // for roomkeys-admin import-synapse

  void add_version(const std::string& user, long long version, const std::string& algorithm,
                   const std::string& auth_data, std::optional<long long> etag, int deleted = 0);
  void add_key(const std::string& user, long long version, const std::string& room,
               const std::string& session, std::optional<long long> first_message_index,
               std::optional<long long> forwarded_count, std::optional<bool> is_verified,
               const std::string& session_data);
  // Synapse's upsert of a key (UPDATE of an existing row).
  void set_key(const std::string& user, long long version, const std::string& room,
               const std::string& session, long long first_message_index, long long forwarded_count,
               bool is_verified, const std::string& session_data);
  soci::session& sql() { return *sql_; }

 private:
  SynapseBackend backend_;
  TempDir dir_;
  std::string url_;
  std::string database_;                  // PostgreSQL: this test's own database
  std::unique_ptr<soci::session> admin_;  // PostgreSQL: on the fixture's database, to drop ours
  std::unique_ptr<soci::session> sql_;
};

}  // namespace roomkeys::testing
