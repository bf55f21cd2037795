#include "storage/backend.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "storage/soci_session.h"

namespace roomkeys {
namespace {

constexpr int kSqliteBusyTimeoutSeconds = 10;

}  // namespace

std::string quote_connection_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void Backend::configure(soci::session& sql) const {
  for (const std::string& statement : on_connect) sql << statement;
}

Result<Backend> backend_for(const DatabaseUrl& url) {
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
        // 16 KiB pages keep a ~1.2 KB key inside its B-tree page (with 4 KiB pages
        // it spills to overflow pages: 3x the file, many reads a key); only takes
        // effect on a new file, so it comes before WAL. WAL lets readers run beside
        // the one writer; FULL sync because a lost backup is lost history. Statement and
        // savepoint journals stay in memory rather than in a temporary file per transaction.
        {"PRAGMA page_size = 16384", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
         "PRAGMA temp_store = MEMORY"},
        true};
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
                  "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"}};
}

std::unique_ptr<soci::session> open_soci_session(const DatabaseUrl& url) {
  auto backend = backend_for(url);
  if (!backend.is_ok()) throw soci::soci_error(backend.status().message());
  auto sql =
      std::make_unique<soci::session>(*backend.value().factory, backend.value().connect_string);
  backend.value().configure(*sql);
  return sql;
}

}  // namespace roomkeys
