// Schema migrations, numbered per backend (sql/<backend>/NNNN_name.sql), embedded at build time.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

namespace roomkeys {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // statements separated by ';' at the end of a line
};

const std::vector<Migration>& sqlite_migrations();
const std::vector<Migration>& mysql_migrations();

// The statements of a migration script, comments and blank lines dropped.
std::vector<std::string> split_sql_statements(const std::string& script);

// Brings the schema of `sql` up to date with `migrations`, recording each in rk_schema_version;
// a second run is a no-op. Two processes starting on one database migrate one after the other
// (MySQL: a named lock; SQLite: BEGIN IMMEDIATE). Throws soci::soci_error, having given back
// the lock and rolled back what it could.
void apply_migrations(soci::session& sql, bool is_mysql, const std::vector<Migration>& migrations);

}  // namespace roomkeys
