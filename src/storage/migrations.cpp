#include "storage/migrations.h"

#include <chrono>
#include <sstream>
#include <thread>

#include "storage/sql_errors.h"

namespace roomkeys {

std::vector<std::string> split_sql_statements(const std::string& script) {
  std::vector<std::string> statements;
  std::string current;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
    current += line;
    current += '\n';
    const auto last = line.find_last_not_of(" \t\r");
    if (line[last] == ';') {
      statements.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) statements.push_back(current);
  return statements;
}

namespace {

// MySQL commits each DDL statement by itself, so a migration is applied statement by statement
// and another server may have done any of them already: a table, column or index that already
// exists (1050, 1060, 1061) is that server's work, and the version already recorded (1062) too.
// (A server that stopped half-way through a migration resumes it the same way.)
void run_step(soci::session& sql, const std::string& statement, bool is_mysql) {
  try {
    sql << statement;
  } catch (const soci::soci_error& e) {
    switch (is_mysql ? mysql_error_number(e) : 0) {
      case 1050:
      case 1060:
      case 1061:
        return;
      default:
        throw;
    }
  }
}

void migrate_locked(soci::session& sql, const std::vector<Migration>& migrations, bool is_mysql) {
  sql << "CREATE TABLE IF NOT EXISTS rk_schema_version (version INTEGER NOT NULL PRIMARY "
         "KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT "
         "CURRENT_TIMESTAMP)";
  int applied = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(version) FROM rk_schema_version", soci::into(applied, ind);
  if (ind != soci::i_ok) applied = 0;
  for (const Migration& m : migrations) {
    if (m.version <= applied) continue;
    // SQLite runs all of them in one transaction (apply_migrations).
    for (const std::string& statement : split_sql_statements(m.sql)) {
      run_step(sql, statement, is_mysql);
    }
    const std::string name = m.name;
    try {
      sql << "INSERT INTO rk_schema_version (version, name) VALUES (:version, :name)",
          soci::use(m.version), soci::use(name);
    } catch (const soci::soci_error& e) {
      if (mysql_error_number(e) != 1062) throw;
    }
  }
}

// GET_LOCK is local to one server: servers of one Galera cluster starting together each hold it
// on their own node and race. Each statement that finds the other's work goes on (run_step); a
// statement that lost a certification race runs the migrations again from the recorded version.
bool lost_a_race(const soci::soci_error& error) {
  return mysql_error_number(error) == 1213;  // ER_LOCK_DEADLOCK (certification)
}

void migrate_racing(soci::session& sql, const std::vector<Migration>& migrations) {
  constexpr int kAttempts = 100;  // 100 x 200 ms: longer than any migration of ours
  for (int attempt = 1;; ++attempt) {
    try {
      migrate_locked(sql, migrations, true);
      return;
    } catch (const soci::soci_error& e) {
      if (attempt == kAttempts || !lost_a_race(e)) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Statements that undo what a failed migration left open; the connection may be gone too.
void try_to(soci::session& sql, const char* statement) {
  try {
    sql << statement;
  } catch (const soci::soci_error&) {
    // Nothing open to undo, or the connection is gone (and its lock with it).
  }
}

}  // namespace

void apply_migrations(soci::session& sql, bool is_mysql, const std::vector<Migration>& migrations) {
  try {
    if (is_mysql) {
      int locked = 0;
      sql << "SELECT GET_LOCK('roomkeys_migrations', 60)", soci::into(locked);
      if (locked != 1) throw soci::soci_error("another process holds the migration lock");
    } else {
      sql << "BEGIN IMMEDIATE";
    }
    if (is_mysql) {
      migrate_racing(sql, migrations);
    } else {
      migrate_locked(sql, migrations, false);
    }
    sql << (is_mysql ? "SELECT RELEASE_LOCK('roomkeys_migrations')" : "COMMIT");
  } catch (const soci::soci_error&) {
    try_to(sql, "ROLLBACK");
    // The lock lives as long as the pooled connection: give it back, or the next process to
    // start would wait for it.
    if (is_mysql) try_to(sql, "SELECT RELEASE_LOCK('roomkeys_migrations')");
    throw;
  }
}
}  // namespace roomkeys
