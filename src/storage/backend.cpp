#include "storage/backend.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include "storage/soci_session.h"

namespace roomkeys {
namespace {

constexpr int kSqliteBusyTimeoutSeconds = 10;

bool sqlite_file_gone(soci::session& sql) {
  // Only SQLite's Backend has this function; Debian's SOCI exports no typeinfo for dynamic_cast.
  auto* session = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  int moved = 0;
  return session != nullptr &&
         sqlite3_file_control(session->conn_, "main", SQLITE_FCNTL_HAS_MOVED, &moved) ==
             SQLITE_OK &&
         moved != 0;
}

}  // namespace

std::string quote_connection_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void Backend::configure(soci::session& sql, bool writer) const {
  for (const std::string& statement : on_connect) sql << statement;
  for (const std::string& statement : optional_on_connect) {
    try {
      sql << statement;
    } catch (const soci::soci_error&) {
      // Not this server's variable (MySQL has no wsrep_sync_wait).
    }
  }
  if (!writer) return;
  for (const std::string& statement : writer_on_connect) sql << statement;
}

Result<Backend> backend_for(const DatabaseUrl& url, const SqliteTuning& tuning) {
  if (url.backend == DatabaseUrl::Backend::kSqlite) {
    if (url.path.find('"') != std::string::npos) {
      return Status::error(Status::Code::kInvalidArgument, "database path contains '\"'");
    }
    return Backend{
        url.backend,
        &soci::sqlite3,
        "db=\"" + url.path + "\" timeout=" + std::to_string(kSqliteBusyTimeoutSeconds),
        &SqlDialect::sqlite(),
        &sqlite_migrations(),
        // 4 KiB pages: keys are rows of a rowid table (sql/sqlite/0002), where a ~1.2 KB
        // key fits a page, and every key an upload adds dirties one page of the key index,
        // which is written to the WAL whole: smaller pages, fewer bytes per key. Only takes
        // effect on a new file, so it comes before WAL. WAL lets readers run beside the one
        // writer; FULL sync because a lost backup is lost history. Statement and savepoint
        // journals stay in memory rather than in a temporary file per transaction. The map
        // saves a read() and a copy for every page of the file that is not in the WAL.
        {"PRAGMA page_size = 4096", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
         "PRAGMA temp_store = MEMORY",
         "PRAGMA mmap_size = " + std::to_string(tuning.mmap_mb * 1024 * 1024)},
        // Only the writer writes, so its cache is never invalidated by another connection's
        // commit (a reader's is, at its next transaction after any write).
        // Its commits do not checkpoint at SQLite's default 1000 pages: the repository hands
        // that to a thread beside it (wal_checkpointer.h).
        {"PRAGMA cache_size = -" + std::to_string(tuning.writer_cache_mb * 1024)},
        true,
        &sqlite_file_gone,
        {}};
  }
  std::string connect = "db=" + quote_connection_value(url.database) +
                        " user=" + quote_connection_value(url.user) +
                        " password=" + quote_connection_value(url.password) +
                        " charset=utf8mb4 connect_timeout=3 read_timeout=60 write_timeout=60";
  connect += url.socket.empty()
                 ? " host=" + quote_connection_value(url.host) + " port=" + std::to_string(url.port)
                 : " unix_socket=" + quote_connection_value(url.socket);
  return Backend{url.backend,
                 &soci::mysql,
                 connect,
                 &SqlDialect::mysql(),
                 &mysql_migrations(),
                 {"SET SESSION innodb_lock_wait_timeout = 10",
                  "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"},
                 {},
                 false,
                 nullptr,
                 {"SET SESSION wsrep_sync_wait = 1"}};
}

std::unique_ptr<soci::session> open_soci_session(const DatabaseUrl& url, bool writer) {
  auto backend = backend_for(url);
  if (!backend.is_ok()) throw soci::soci_error(backend.status().message());
  auto sql =
      std::make_unique<soci::session>(*backend.value().factory, backend.value().connect_string);
  backend.value().configure(*sql, writer);
  return sql;
}

}  // namespace roomkeys
