#include "storage/wal_checkpointer.h"

#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>

namespace roomkeys {
namespace {

// 2048 pages of 4 KiB: an 8 MB WAL. 8192 pages was as fast, but each round's fsync of the
// database then held up the writer's own WAL fsyncs: batch p99 reached 4.5x the median.
constexpr int kWakeFrames = 2048;
// The writer copies the rest itself once the thread has left at most this many pages (2 MB)
// behind: SQLite starts the WAL over only when a transaction begins with the WAL wholly copied,
// which a thread racing a busy writer never sees.
constexpr int kFinishFrames = 512;
// The safety net: when the thread falls behind, or the WAL cannot start over because every
// round found new frames behind it, the writer checkpoints itself after its commit (copying
// what is left, then the next transaction starts the WAL from its beginning).
constexpr int kWriterFrames = 8 * kWakeFrames;
// When nothing is due, what an idle writer left in the WAL is copied at this pace.
constexpr auto kIdleInterval = std::chrono::seconds(1);
// Rounds run back to back until the WAL is copied; each copies what arrived during the last.
constexpr int kMaxRounds = 4;

sqlite_api::sqlite3* native(soci::session& sql) {
  // Only SQLite sessions get here; Debian's SOCI exports no typeinfo for dynamic_cast.
  return static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
}

}  // namespace

WalCheckpointer::WalCheckpointer(const Backend& backend,
                                 std::function<void(std::string_view)> log_error)
    : sql_(std::make_unique<soci::session>(*backend.factory, backend.connect_string)),
      log_error_(std::move(log_error)) {
  backend.configure(*sql_);
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::watch(soci::session& writer) {
  sqlite_api::sqlite3_wal_hook(native(writer), &WalCheckpointer::on_commit, this);
}

int WalCheckpointer::on_commit(void* self, sqlite_api::sqlite3* db, const char* name, int frames) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  if (frames < kWakeFrames) return SQLITE_OK;
  bool finish = false;
  {
    std::lock_guard<std::mutex> lock(checkpointer.mutex_);
    finish = frames - checkpointer.copied_ <= kFinishFrames || frames >= kWriterFrames;
    if (finish) {
      ++checkpointer.generation_;  // the WAL starts over: the thread's count no longer holds
      checkpointer.copied_ = 0;
    } else {
      checkpointer.due_ = true;
    }
  }
  if (finish) {
    // No other writer can add frames meanwhile, so this copies the WAL to its end and the next
    // transaction writes the WAL from its beginning.
    sqlite_api::sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else {
    checkpointer.wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, kIdleInterval, [this] { return stopping_ || due_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    checkpoint_until_copied();
    lock.lock();
  }
}

void WalCheckpointer::checkpoint_until_copied() {
  for (int round = 0; round < kMaxRounds; ++round) {
    uint64_t generation = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation = generation_;
    }
    int frames = 0;
    int copied = 0;
    const int rc = sqlite_api::sqlite3_wal_checkpoint_v2(
        native(*sql_), "main", SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (rc == SQLITE_BUSY) return;  // the writer is finishing the WAL itself
    if (rc != SQLITE_OK) {
      // A full disk or a vanished file: the next round tries again, and the writer's own
      // checkpoint remains.
      if (log_error_) log_error_(std::string("WAL checkpoint: ") + sqlite_api::sqlite3_errstr(rc));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (generation == generation_) copied_ = copied;
    }
    if (frames - copied <= kFinishFrames) return;
  }
}

}  // namespace roomkeys
