// The Repository over SOCI: one pooled connection per unit of work, bounded retries of
// transient conflicts, and group commit where the database takes one writer at a time.
#include "storage/soci_repository.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "storage/backend.h"
#include "storage/connection_pool.h"
#include "storage/database_url.h"
#include "storage/migrations.h"
#include "storage/soci_transaction.h"
#include "storage/sql_errors.h"
#include "storage/wal_checkpointer.h"
#include "storage/write_queue.h"

namespace roomkeys {
namespace {

// Transient failures (a deadlock, a lock wait timeout, Galera writers of one user certified
// against each other, a Galera node briefly not ready) run the work again, bounded: up to 20
// attempts, each after a random pause of up to 5, 10, 20 ... 320 ms (about 4 s in the worst case),
// so that writers who conflicted do not meet again at the same moment. On a 3-node cluster with
// one user's 16 devices uploading at once through 3 servers, 8 attempts left ~1 % of uploads
// answered 503 (bench/cluster.sh); the conflicting writers finish, so more attempts do succeed.
constexpr int kAttempts = 20;

std::chrono::milliseconds retry_pause(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int most = 5 << std::min(attempt - 1, 6);
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(1, most)(random));
}

constexpr size_t kMaxWriteGroup = 32;  // writes sharing one commit, at most

using Lease = ConnectionPool::Lease;

void rollback(soci::session& sql) {
  try {
    sql << "ROLLBACK";
  } catch (const soci::soci_error&) {
    // No transaction was open, or the connection is gone: nothing left to undo.
  }
}

// What a request learns of a database error (the error itself goes to the log).
Status failure_status(Failure failure) {
  switch (failure) {
    case Failure::kInternal:
      return Status::error(Status::Code::kInternal, "Internal database error.");
    case Failure::kStorageFull:
      return Status::error(Status::Code::kUnavailable,
                           "The server's storage is full; nothing was written. Try again later.");
    default:
      return Status::error(Status::Code::kUnavailable, "The database is unavailable.");
  }
}

class SociRepository final : public Repository {
 public:
  SociRepository(Backend backend, DatabaseUrl url, size_t pool_size,
                 std::function<void(std::string_view)> log_error, StorageMetrics* metrics)
      : backend_(std::move(backend)),
        url_(std::move(url)),
        metrics_(metrics ? *metrics : own_metrics_),
        pool_(backend_, pool_size, metrics_),
        log_error_(std::move(log_error)) {
    if (backend_.one_writer) write_pool_.emplace(backend_, 1, metrics_, /*writer=*/true);
  }

  Status connect() {
    try {
      pool_.open_all();
      if (write_pool_) write_pool_->open_all();
      if (backend_.one_writer) checkpointer_.emplace(backend_, log_error_);
    } catch (const soci::soci_error& e) {
      return Status::error(Status::Code::kUnavailable, "cannot open database " + url_.describe() +
                                                           ": " + e.get_error_message());
    }
    return Status::ok();
  }

  Status run(Mode mode, const Work& work) override {
    const bool grouped = mode == Mode::kWrite && backend_.one_writer;
    if (grouped) {
      WriteQueue::Entry entry(work);
      write_queue_.submit(entry, [this](const auto& group) { run_group(group); });
      if (entry.committed) return entry.status;
      // The group failed as a whole: this work runs again by itself, retried as usual.
    }
    Status status;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      bool retry = false;
      if (grouped) {
        std::lock_guard<std::mutex> writer(writer_);
        status = run_once(*write_pool_, mode, work, retry);
      } else {
        status = run_once(pool_, mode, work, retry);
      }
      if (!retry) return status;
      metrics_.retries.fetch_add(1, std::memory_order_relaxed);
      std::this_thread::sleep_for(retry_pause(attempt));
    }
    return status;
  }

  Status migrate() override {
    for (int attempt = 1;; ++attempt) {
      Lease lease(pool_);
      try {
        lease.ensure_connected();
        apply_migrations(lease.session(), backend_.kind == DatabaseUrl::Backend::kMysql,
                         *backend_.migrations);
        return Status::ok();
      } catch (const soci::soci_error& e) {
        const Failure failure = classify(e);
        lease.mark_broken_if(failure);
        // Servers starting at once on a Galera cluster: one node's DDL interrupts a statement
        // of another's migration (1317) or makes it a deadlock victim. Migrations go on past
        // the steps already done, so the whole of it simply runs again.
        if (attempt < kAttempts &&
            (failure == Failure::kTransient || mysql_error_number(e) == 1317)) {
          log("migration interrupted, running it again: ", e);
          std::this_thread::sleep_for(retry_pause(attempt));
          continue;
        }
        log("migration failed: ", e);
        return Status::error(Status::Code::kUnavailable,
                             std::string("schema migration failed: ") + e.get_error_message());
      }
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
  Status run_once(ConnectionPool& pool, Mode mode, const Work& work, bool& retry) {
    Lease lease(pool);
    soci::session& sql = lease.session();
    bool committing = false;
    try {
      lease.ensure_connected();
      // Grouped SQLite writes have one writer already; a MySQL writer queues behind the
      // process's other writers of its user (user_stripes.h).
      SociTransaction tx(sql, *backend_.dialect, lease.statements(),
                         backend_.one_writer ? nullptr : &user_stripes_);
      if (mode == Mode::kSingleRead) return work(tx);
      if (mode == Mode::kWrite) refuse_writes_to_a_gone_file(sql);
      const auto& begin =
          mode == Mode::kWrite ? backend_.dialect->begin_write : backend_.dialect->begin_read;
      for (const std::string& statement : begin) sql << statement;
      Status status = work(tx);
      committing = status.is_ok();
      tx.end_turn();
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
      return failure_status(failure);
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
    metrics_.write_group_size.observe(static_cast<double>(group.size()));
    std::lock_guard<std::mutex> writer(writer_);
    Lease lease(*write_pool_);
    soci::session& sql = lease.session();
    try {
      lease.ensure_connected();
      if (checkpointer_) checkpointer_->watch(sql);
      SociTransaction tx(sql, *backend_.dialect, lease.statements());
      refuse_writes_to_a_gone_file(sql);
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

  void refuse_writes_to_a_gone_file(soci::session& sql) const {
    if (backend_.file_gone != nullptr && backend_.file_gone(sql)) {
      throw soci::soci_error("the database file was deleted or replaced since it was opened: " +
                             url_.describe() + "; restore it, or restart on a new one");
    }
  }

  // SOCI's full what() can quote bound values (key material); the backend message cannot.
  void log(const char* context, const soci::soci_error& e) {
    if (log_error_) log_error_(context + e.get_error_message() + error_code_suffix(e));
  }

  Backend backend_;
  DatabaseUrl url_;
  UserStripes user_stripes_;
  StorageMetrics own_metrics_;  // counted into when the caller wants none
  StorageMetrics& metrics_;
  ConnectionPool pool_;
  // One writer at a time (Backend::one_writer): all writes use this one connection, whose page
  // cache then stays warm; reads use pool_.
  std::optional<ConnectionPool> write_pool_;
  std::mutex writer_;                            // see Backend::one_writer
  std::optional<WalCheckpointer> checkpointer_;  // SQLite; stopped before the pools close
  WriteQueue write_queue_{kMaxWriteGroup};
  std::function<void(std::string_view)> log_error_;
};

}  // namespace

Result<std::unique_ptr<Repository>> open_soci_repository(const RepositoryOptions& options) {
  auto url = parse_database_url(options.database_url);
  if (!url.is_ok()) return url.status();
  if (options.pool_size == 0) {
    return Status::error(Status::Code::kInvalidArgument, "pool size must be at least 1");
  }
  auto backend = backend_for(url.value(), options.sqlite);
  if (!backend.is_ok()) return backend.status();
  auto repository =
      std::make_unique<SociRepository>(std::move(backend.value()), url.value(), options.pool_size,
                                       options.log_error, options.metrics);
  Status status = repository->connect();
  if (!status.is_ok()) return status;
  return std::unique_ptr<Repository>(std::move(repository));
}

}  // namespace roomkeys
