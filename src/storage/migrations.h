// Schema migrations, numbered per backend (sql/<backend>/NNNN_name.sql), embedded at build time.
#pragma once

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

}  // namespace roomkeys
