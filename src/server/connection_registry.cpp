#include "server/connection_registry.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "server/host_metrics.h"

namespace roomkeys::server {
namespace {

constexpr auto kSweepEvery = std::chrono::milliseconds(100);

const char* label_of(CutReason reason) {
  switch (reason) {
    case CutReason::kHeaderTimeout:
      return "header_timeout";
    case CutReason::kBodyTimeout:
      return "body_timeout";
    case CutReason::kIdleTimeout:
      return "idle_timeout";
    case CutReason::kSendTimeout:
      return "send_timeout";
    case CutReason::kLinger:
      return "linger";
    case CutReason::kNone:
      break;
  }
  return "none";
}

}  // namespace

int64_t steady_ms(std::chrono::steady_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

void Connection::set_deadline(std::chrono::steady_clock::time_point when, CutReason reason) {
  reason_.store(static_cast<int>(reason), std::memory_order_relaxed);
  deadline_ms_.store(std::max<int64_t>(1, steady_ms(when)), std::memory_order_relaxed);
}

ConnectionRegistry::ConnectionRegistry(ConnectionSettings settings, HostMetrics* metrics)
    : settings_(settings), metrics_(metrics), sweeper_([this] { sweep_loop(); }) {}

ConnectionRegistry::~ConnectionRegistry() { stop(); }

void ConnectionRegistry::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

std::shared_ptr<Connection> ConnectionRegistry::open(int fd) {
  std::lock_guard lock(mutex_);
  const bool refused = admitted_ >= settings_.max_connections;
  auto connection = std::make_shared<Connection>(fd, settings_.framing, refused);
  connections_.emplace(connection.get(), connection);
  if (refused) {
    metrics_->connection_closed("refused");
  } else {
    ++admitted_;
    metrics_->connections_open().Increment();
  }
  return connection;
}

void ConnectionRegistry::close(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  connection->open = false;
  if (connections_.erase(connection.get()) == 0) return;
  if (!connection->refused()) {
    --admitted_;
    metrics_->connections_open().Decrement();
  }
}

void ConnectionRegistry::sweep_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kSweepEvery);
    if (!stopping_) sweep(steady_ms(std::chrono::steady_clock::now()));
  }
}

// Runs with the lock held: a registered descriptor is still Pistache's open socket, since Pistache
// reports the disconnection (and we unregister) before it closes the descriptor.
void ConnectionRegistry::sweep(int64_t now_ms) {
  for (auto& [raw, connection] : connections_) {
    Connection& c = *connection;
    if (c.cut_) continue;
    CutReason reason = CutReason::kNone;
    if (c.answering_.load(std::memory_order_relaxed)) {
      // An answer is being written: cut only when the client stops reading it.
      int unsent = 0;
      if (ioctl(c.fd(), SIOCOUTQ, &unsent) != 0) unsent = -1;
      if (unsent != c.last_unsent_ || unsent == 0) {
        c.last_unsent_ = unsent;
        c.last_send_progress_ms_ = now_ms;
      } else if (now_ms - c.last_send_progress_ms_ > settings_.send_timeout.count()) {
        reason = CutReason::kSendTimeout;
      }
    } else {
      c.last_unsent_ = -1;
      const int64_t deadline = c.deadline_ms_.load(std::memory_order_relaxed);
      if (deadline != 0 && now_ms >= deadline) {
        reason = static_cast<CutReason>(c.reason_.load(std::memory_order_relaxed));
      }
    }
    if (reason == CutReason::kNone) continue;
    c.cut_ = true;
    ::shutdown(c.fd(), SHUT_RDWR);
    metrics_->connection_closed(label_of(reason));
  }
}

}  // namespace roomkeys::server
