// SQLite checkpoints beside the writer rather than inside its commits.
//
// With SQLite's automatic checkpoint (every 1000 pages), the commit that crosses the threshold
// copies the WAL into the database and fsyncs it before it is answered, and every upload queued
// behind it waits. Here the writer's commits only report the WAL's size; once it holds 2048
// pages (8 MB), a thread of its own runs PASSIVE checkpoints (they never block the writer or
// readers) while the writer goes on, and the writer copies only the last few hundred pages
// itself (see kFinishFrames). Same work per key, but on the other core: uploads into a 1M-key
// backup went from 13.5-15.0k to 16.9-19.1k keys/s (bench/GROWTH.md).
#pragma once

#include <soci/soci.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "storage/backend.h"

namespace sqlite_api {
struct sqlite3;  // SOCI declares SQLite's API in this namespace
}

namespace roomkeys {

class WalCheckpointer {
 public:
  // Opens its own connection (throws soci::soci_error when it cannot) and starts.
  WalCheckpointer(const Backend& backend, std::function<void(std::string_view)> log_error);
  ~WalCheckpointer();  // stops and joins
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Makes the writer's commits report here instead of checkpointing themselves. Cheap and
  // idempotent: called before every group of writes, so a reconnected writer is watched too.
  void watch(soci::session& writer);

 private:
  static int on_commit(void* self, sqlite_api::sqlite3* db, const char* name, int frames);
  void run();
  void checkpoint_until_copied();

  std::unique_ptr<soci::session> sql_;
  std::function<void(std::string_view)> log_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  int copied_ = 0;           // frames of the WAL the thread's last round left copied
  uint64_t generation_ = 0;  // WALs the writer finished itself, after which copied_ is stale
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace roomkeys
