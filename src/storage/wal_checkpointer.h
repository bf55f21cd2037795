// SQLite checkpoints beside the writer rather than inside its commits. With the automatic
// checkpoint, the commit that crosses the WAL threshold copies the whole WAL into the database
// and fsyncs it before it is answered, which freezes every upload queued behind it. Here a thread
// of its own runs a PASSIVE checkpoint (it never blocks the writer or readers) a few times a
// second; the writer's automatic checkpoint (SQLite's default threshold) stays as the safety net
// and then finds little left to copy.
#pragma once

#include <soci/soci.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "storage/backend.h"

namespace roomkeys {

class WalCheckpointer {
 public:
  // Opens its own connection (throws soci::soci_error when it cannot) and starts.
  WalCheckpointer(const Backend& backend, std::function<void(std::string_view)> log_error);
  ~WalCheckpointer();  // stops and joins
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  void run();

  std::unique_ptr<soci::session> sql_;
  std::function<void(std::string_view)> log_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace roomkeys
