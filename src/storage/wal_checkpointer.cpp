#include "storage/wal_checkpointer.h"

#include <chrono>

namespace roomkeys {
namespace {

constexpr auto kInterval = std::chrono::milliseconds(250);

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

void WalCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, kInterval, [this] { return stopping_; })) {
    lock.unlock();
    try {
      *sql_ << "PRAGMA wal_checkpoint(PASSIVE)";
    } catch (const soci::soci_error& e) {
      // A busy database or a full disk: the next round tries again, and the writer's own
      // automatic checkpoint remains.
      if (log_error_) log_error_(std::string("WAL checkpoint: ") + e.get_error_message());
    }
    lock.lock();
  }
}

}  // namespace roomkeys
