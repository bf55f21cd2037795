#include "storage/soci_repository.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage/soci_session.h"
#include "storage/soci_transaction.h"
#include "storage/statement_cache.h"
#include "storage/write_queue.h"

namespace roomkeys {
namespace {

constexpr int kAttempts = 5;  // transient conflicts are retried, bounded
constexpr int kSqliteBusyTimeoutSeconds = 10;
constexpr size_t kMaxWriteGroup = 32;  // writes sharing one commit, at most

enum class Failure { kTransient, kConnectionLost, kUnavailable, kInternal };

Failure classify(const soci::soci_error& error) {
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    switch (sqlite->result() & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Failure::kTransient;
      case SQLITE_CANTOPEN:
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_READONLY:
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return Failure::kUnavailable;
      default:
        return Failure::kInternal;
    }
  }
  if (const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&error)) {
    switch (mysql->err_num_) {
      case 1205:  // lock wait timeout
      case 1213:  // deadlock
        return Failure::kTransient;
      case 1040:  // too many connections
      case 1053:  // server shutdown in progress
      case 1927:  // connection killed
      case 2002:  // cannot connect (socket)
      case 2003:  // cannot connect (TCP)
      case 2005:  // unknown host
      case 2006:  // server has gone away
      case 2013:  // lost connection during query
      case 2055:  // lost connection
        return Failure::kConnectionLost;
      default:
        return Failure::kInternal;
    }
  }
  return Failure::kUnavailable;  // e.g. SOCI's own "failed to reconnect"
}

// A value for a SOCI connection string: quoted, with ' and \ escaped.
std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// How to reach and speak to one kind of database.
struct Backend {
  const soci::backend_factory* factory;
  std::string connect_string;
  const SqlDialect* dialect;
  const std::vector<Migration>* migrations;
  std::vector<std::string> on_connect;  // after every (re)connect
  // The database takes one writer at a time (SQLite): writers of this process commit in groups
  // (see write_queue.h) and otherwise queue on a mutex, waking the moment the previous one
  // commits, instead of polling the file lock in sleeps of up to 100 ms (SQLite's busy handler)
  // that starve some of them for seconds. Other processes on the file wait through the busy
  // timeout.
  bool one_writer = false;
};

Result<Backend> backend_for(const DatabaseUrl& url) {
  if (url.backend == DatabaseUrl::Backend::kSqlite) {
    if (url.path.find('"') != std::string::npos) {
      return Status::error(Status::Code::kInvalidArgument, "database path contains '\"'");
    }
    return Backend{
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
  std::string connect = "db=" + quoted(url.database) + " user=" + quoted(url.user) +
                        " password=" + quoted(url.password) +
                        " charset=utf8mb4 connect_timeout=3 read_timeout=60 write_timeout=60";
  connect += url.socket.empty() ? " host=" + quoted(url.host) + " port=" + std::to_string(url.port)
                                : " unix_socket=" + quoted(url.socket);
  return Backend{&soci::mysql,
                 connect,
                 &SqlDialect::mysql(),
                 &mysql_migrations(),
                 {"SET SESSION innodb_lock_wait_timeout = 10",
                  "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"}};
}

class SociRepository final : public Repository {
 public:
  SociRepository(Backend backend, DatabaseUrl url, size_t pool_size,
                 std::function<void(std::string_view)> log_error)
      : backend_(std::move(backend)),
        url_(std::move(url)),
        pool_(pool_size),
        broken_(pool_size, 0),
        statements_(pool_size),
        log_error_(std::move(log_error)) {}

  Status connect() {
    try {
      for (size_t i = 0; i < broken_.size(); ++i) {
        pool_.at(i).open(*backend_.factory, backend_.connect_string);
        configure(pool_.at(i));
      }
    } catch (const soci::soci_error& e) {
      return Status::error(Status::Code::kUnavailable, "cannot open database " + url_.describe() +
                                                           ": " + e.get_error_message());
    }
    return Status::ok();
  }

  Status run(Mode mode, const Work& work) override {
    if (mode == Mode::kWrite && backend_.one_writer) {
      WriteQueue::Entry entry(work);
      write_queue_.submit(entry, [this](const auto& group) { run_group(group); });
      if (entry.committed) return entry.status;
      // The group failed as a whole: this work runs again by itself, retried as usual.
    }
    Status status;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      bool retry = false;
      if (mode == Mode::kWrite && backend_.one_writer) {
        std::lock_guard<std::mutex> writer(writer_);
        status = run_once(mode, work, retry);
      } else {
        status = run_once(mode, work, retry);
      }
      if (!retry) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
    }
    return status;
  }

  Status migrate() override {
    Lease lease(*this);
    soci::session& sql = lease.session();
    const bool is_mysql = url_.backend == DatabaseUrl::Backend::kMysql;
    try {
      // Two processes starting on one database migrate one after the other.
      if (is_mysql) {
        int locked = 0;
        sql << "SELECT GET_LOCK('roomkeys_migrations', 60)", soci::into(locked);
        if (locked != 1) {
          return Status::error(Status::Code::kUnavailable,
                               "another process holds the migration lock");
        }
      } else {
        sql << "BEGIN IMMEDIATE";
      }
      sql << "CREATE TABLE IF NOT EXISTS rk_schema_version (version INTEGER NOT NULL PRIMARY "
             "KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT "
             "CURRENT_TIMESTAMP)";
      int applied = 0;
      soci::indicator ind = soci::i_null;
      sql << "SELECT MAX(version) FROM rk_schema_version", soci::into(applied, ind);
      if (ind != soci::i_ok) applied = 0;
      for (const Migration& m : *backend_.migrations) {
        if (m.version <= applied) continue;
        // MySQL commits each DDL statement by itself; SQLite runs them all in this transaction.
        for (const std::string& statement : split_sql_statements(m.sql)) sql << statement;
        const std::string name = m.name;
        sql << "INSERT INTO rk_schema_version (version, name) VALUES (:version, :name)",
            soci::use(m.version), soci::use(name);
      }
      sql << (is_mysql ? "SELECT RELEASE_LOCK('roomkeys_migrations')" : "COMMIT");
      return Status::ok();
    } catch (const soci::soci_error& e) {
      rollback(sql);
      if (is_mysql) {
        // The lock lives as long as the pooled connection: give it back, or the next process
        // to start would wait for it.
        try {
          sql << "SELECT RELEASE_LOCK('roomkeys_migrations')";
        } catch (const soci::soci_error&) {
          // The connection is gone, and the lock with it.
        }
      }
      lease.mark_broken_if(classify(e));
      log("migration failed: ", e);
      return Status::error(Status::Code::kUnavailable,
                           std::string("schema migration failed: ") + e.get_error_message());
    }
  }

  int schema_version() const override {
    return backend_.migrations->empty() ? 0 : backend_.migrations->back().version;
  }

  Status health() override {
    return run(Mode::kSingleRead, [](Transaction& tx) {
      tx.current_version("");  // one trivial indexed query: the database answers
      return Status::ok();
    });
  }

 private:
  // One pooled connection for one unit of work, reconnected first if it broke last time.
  class Lease {
   public:
    explicit Lease(SociRepository& repo) : repo_(repo), position_(repo.pool_.lease()) {}
    ~Lease() { repo_.pool_.give_back(position_); }
    soci::session& session() { return repo_.pool_.at(position_); }
    StatementCache& statements() { return repo_.statements_[position_]; }
    // Reconnects when needed; throws soci_error while the database is away.
    void ensure_connected() {
      if (!repo_.broken_[position_]) return;
      statements().clear();  // they belong to the old connection
      session().reconnect();
      repo_.configure(session());
      repo_.broken_[position_] = 0;
    }
    void mark_broken_if(Failure failure) {
      if (failure == Failure::kConnectionLost) repo_.broken_[position_] = 1;
    }

   private:
    SociRepository& repo_;
    size_t position_;
  };

  void configure(soci::session& sql) {
    for (const std::string& statement : backend_.on_connect) sql << statement;
  }

  Status run_once(Mode mode, const Work& work, bool& retry) {
    Lease lease(*this);
    soci::session& sql = lease.session();
    bool committing = false;
    try {
      lease.ensure_connected();
      SociTransaction tx(sql, *backend_.dialect, lease.statements());
      if (mode == Mode::kSingleRead) return work(tx);
      const auto& begin =
          mode == Mode::kWrite ? backend_.dialect->begin_write : backend_.dialect->begin_read;
      for (const std::string& statement : begin) sql << statement;
      Status status = work(tx);
      committing = status.is_ok();
      sql << (status.is_ok() ? "COMMIT" : "ROLLBACK");
      return status;
    } catch (const soci::soci_error& e) {
      lease.statements().clear();
      rollback(sql);
      const Failure failure = classify(e);
      lease.mark_broken_if(failure);
      // A conflict is retried from the start; so is a connection found dead before COMMIT
      // (the retry reconnects). A COMMIT whose answer was lost is never replayed.
      retry = failure == Failure::kTransient ||
              (failure == Failure::kConnectionLost && !committing && !reconnect_failed(e));
      log("database error: ", e);
      if (failure == Failure::kInternal) {
        return Status::error(Status::Code::kInternal, "Internal database error.");
      }
      return Status::error(Status::Code::kUnavailable, "The database is unavailable.");
    } catch (...) {
      // Not a database error (the work threw): the caller sees it, the connection goes back
      // clean.
      lease.statements().clear();
      rollback(sql);
      throw;
    }
  }

  // One transaction for a group of writes, each inside its own savepoint so that a work
  // answering an error is undone alone. Any database error (or exception) undoes the whole
  // group and sends every work back to run by itself, with the usual retries.
  void run_group(const std::vector<WriteQueue::Entry*>& group) {
    std::lock_guard<std::mutex> writer(writer_);
    Lease lease(*this);
    soci::session& sql = lease.session();
    try {
      lease.ensure_connected();
      SociTransaction tx(sql, *backend_.dialect, lease.statements());
      for (const std::string& statement : backend_.dialect->begin_write) sql << statement;
      for (WriteQueue::Entry* entry : group) {
        sql << "SAVEPOINT rk_work";
        entry->status = entry->work(tx);
        if (!entry->status.is_ok()) sql << "ROLLBACK TO rk_work";
        sql << "RELEASE rk_work";
      }
      sql << "COMMIT";
      for (WriteQueue::Entry* entry : group) entry->committed = true;
      return;
    } catch (const soci::soci_error& e) {
      lease.mark_broken_if(classify(e));
      log("database error in a group of writes: ", e);
    } catch (...) {
      // Someone's work threw: it throws again when run alone, on its own caller's thread.
    }
    lease.statements().clear();
    rollback(sql);
  }

  // The connection could not even be made: retrying at once would fail the same way.
  static bool reconnect_failed(const soci::soci_error& e) {
    const auto* mysql = dynamic_cast<const soci::mysql_soci_error*>(&e);
    return mysql == nullptr || mysql->err_num_ == 2002 || mysql->err_num_ == 2003 ||
           mysql->err_num_ == 2005;
  }

  static void rollback(soci::session& sql) {
    try {
      sql << "ROLLBACK";
    } catch (const soci::soci_error&) {
      // No transaction was open, or the connection is gone: nothing left to undo.
    }
  }

  // SOCI's full what() can quote bound values (key material); the backend message cannot.
  void log(const char* context, const soci::soci_error& e) {
    if (log_error_) log_error_(context + e.get_error_message());
  }

  Backend backend_;
  DatabaseUrl url_;
  soci::connection_pool pool_;
  std::vector<char> broken_;  // per pooled connection; touched only by its lease holder
  // Per pooled connection, destroyed before the pool closes the connections.
  std::vector<StatementCache> statements_;
  std::mutex writer_;  // see Backend::one_writer
  WriteQueue write_queue_{kMaxWriteGroup};
  std::function<void(std::string_view)> log_error_;
};

}  // namespace

std::unique_ptr<soci::session> open_soci_session(const DatabaseUrl& url) {
  auto backend = backend_for(url);
  if (!backend.is_ok()) throw soci::soci_error(backend.status().message());
  auto sql =
      std::make_unique<soci::session>(*backend.value().factory, backend.value().connect_string);
  for (const std::string& statement : backend.value().on_connect) *sql << statement;
  return sql;
}

Result<std::unique_ptr<Repository>> open_soci_repository(const RepositoryOptions& options) {
  auto url = parse_database_url(options.database_url);
  if (!url.is_ok()) return url.status();
  if (options.pool_size == 0) {
    return Status::error(Status::Code::kInvalidArgument, "pool size must be at least 1");
  }
  auto backend = backend_for(url.value());
  if (!backend.is_ok()) return backend.status();
  auto repository = std::make_unique<SociRepository>(std::move(backend.value()), url.value(),
                                                     options.pool_size, options.log_error);
  Status status = repository->connect();
  if (!status.is_ok()) return status;
  return std::unique_ptr<Repository>(std::move(repository));
}

}  // namespace roomkeys
