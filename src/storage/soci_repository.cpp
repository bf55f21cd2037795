#include "storage/soci_repository.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage/soci_transaction.h"

namespace roomkeys {
namespace {

constexpr int kWriteAttempts = 5;  // a busy database is retried, bounded
constexpr int kBusyTimeoutMs = 10000;

enum class Failure { kTransient, kUnavailable, kInternal };

// SQLite result codes that mean "try again" or "the database file is not usable right now".
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
  return Failure::kInternal;
}

std::string sqlite_connect_string(const std::string& path) {
  return "db=\"" + path + "\" timeout=" + std::to_string(kBusyTimeoutMs / 1000);
}

class SociRepository final : public Repository {
 public:
  SociRepository(size_t pool_size, std::function<void(std::string_view)> log_error)
      : pool_(pool_size), pool_size_(pool_size), log_error_(std::move(log_error)) {}

  Status connect(const DatabaseUrl& url) {
    if (url.path.find('"') != std::string::npos) {
      return Status::error(Status::Code::kInvalidArgument, "database path contains '\"'");
    }
    try {
      for (size_t i = 0; i < pool_size_; ++i) {
        soci::session& sql = pool_.at(i);
        sql.open(soci::sqlite3, sqlite_connect_string(url.path));
        // WAL lets readers run beside the one writer; FULL sync because a lost backup is lost
        // history.
        sql << "PRAGMA journal_mode = WAL";
        sql << "PRAGMA synchronous = FULL";
      }
    } catch (const soci::soci_error& e) {
      return Status::error(Status::Code::kUnavailable,
                           "cannot open database " + url.path + ": " + e.get_error_message());
    }
    return Status::ok();
  }

  Status run(Mode mode, const Work& work) override {
    const int attempts = mode == Mode::kWrite ? kWriteAttempts : 1;
    Status status;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      bool transient = false;
      status = run_once(mode, work, transient);
      if (!transient) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    }
    return status;
  }

  Status migrate() override { return apply_migrations(); }

  int schema_version() const override {
    const auto& migrations = sqlite_migrations();
    return migrations.empty() ? 0 : migrations.back().version;
  }

  Status health() override {
    try {
      soci::session sql(pool_);
      int one = 0;
      sql << "SELECT 1", soci::into(one);
      return Status::ok();
    } catch (const soci::soci_error& e) {
      log("health check failed: ", e);
      return Status::error(Status::Code::kUnavailable, "The database is unavailable.");
    }
  }

 private:
  Status run_once(Mode mode, const Work& work, bool& transient) {
    soci::session sql(pool_);
    try {
      sql << (mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
      SociTransaction tx(sql);
      Status status = work(tx);
      sql << (status.is_ok() ? "COMMIT" : "ROLLBACK");
      return status;
    } catch (const soci::soci_error& e) {
      rollback(sql);
      const Failure failure = classify(e);
      transient = failure == Failure::kTransient;
      log("database error: ", e);
      if (failure == Failure::kInternal) {
        return Status::error(Status::Code::kInternal, "Internal database error.");
      }
      return Status::error(Status::Code::kUnavailable, "The database is unavailable.");
    }
  }

  Status apply_migrations() {
    soci::session sql(pool_);
    try {
      sql << "BEGIN IMMEDIATE";
      sql << "CREATE TABLE IF NOT EXISTS rk_schema_version (version INTEGER NOT NULL PRIMARY "
             "KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)";
      int applied = 0;
      soci::indicator ind = soci::i_null;
      sql << "SELECT MAX(version) FROM rk_schema_version", soci::into(applied, ind);
      if (ind != soci::i_ok) applied = 0;
      for (const Migration& m : sqlite_migrations()) {
        if (m.version <= applied) continue;
        for (const std::string& statement : split_sql_statements(m.sql)) sql << statement;
        const std::string name = m.name;
        sql << "INSERT INTO rk_schema_version (version, name) VALUES (:version, :name)",
            soci::use(m.version), soci::use(name);
      }
      sql << "COMMIT";
      return Status::ok();
    } catch (const soci::soci_error& e) {
      rollback(sql);
      log("migration failed: ", e);
      return Status::error(Status::Code::kUnavailable,
                           std::string("schema migration failed: ") + e.get_error_message());
    }
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

  mutable soci::connection_pool pool_;
  size_t pool_size_;
  std::function<void(std::string_view)> log_error_;
};

}  // namespace

Result<std::unique_ptr<Repository>> open_soci_repository(const RepositoryOptions& options) {
  auto url = parse_database_url(options.database_url);
  if (!url.is_ok()) return url.status();
  if (options.pool_size == 0) {
    return Status::error(Status::Code::kInvalidArgument, "pool size must be at least 1");
  }
  auto repository = std::make_unique<SociRepository>(options.pool_size, options.log_error);
  Status status = repository->connect(url.value());
  if (!status.is_ok()) return status;
  return std::unique_ptr<Repository>(std::move(repository));
}

}  // namespace roomkeys
