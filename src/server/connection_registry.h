// Every open client connection of roomkeys-server, its framing state, and the one thread that
// cuts connections whose deadline passed: a head not complete within the header timeout, a body
// that stopped arriving, an idle keep-alive connection, an answer the client stopped reading, or a
// closing connection whose client never hung up. Cutting is shutdown(2) on the socket: Pistache
// then sees the connection end and closes it itself, so no descriptor is closed behind its back.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "server/request_framer.h"

namespace roomkeys::server {

class HostMetrics;

struct ConnectionSettings {
  FramingLimits framing;
  std::chrono::milliseconds header_timeout{10000};  // first byte of a head to its end
  std::chrono::milliseconds body_timeout{10000};    // between two reads of a body
  std::chrono::milliseconds idle_timeout{30000};    // keep-alive, between requests
  std::chrono::milliseconds send_timeout{30000};    // an answer not read any further
  std::chrono::milliseconds linger{2000};           // after our last answer, for the client's FIN
  size_t max_connections = 4096;
};

// Why a connection was cut (the label of roomkeys_connections_closed_total).
enum class CutReason : int {
  kNone,
  kHeaderTimeout,
  kBodyTimeout,
  kIdleTimeout,
  kSendTimeout,
  kLinger
};

class Connection {
 public:
  Connection(int fd, const FramingLimits& limits, bool refused)
      : fd_(fd), refused_(refused), framer_(limits) {}

  int fd() const { return fd_; }
  bool refused() const { return refused_; }
  RequestFramer& framer() { return framer_; }

  // The reactor thread's view; the sweeper reads the atomics.
  void set_deadline(std::chrono::steady_clock::time_point when, CutReason reason);
  // Answers are being written: the sweeper then watches the socket's send queue instead.
  void set_answering(bool answering) { answering_.store(answering, std::memory_order_relaxed); }
  bool answering() const { return answering_.load(std::memory_order_relaxed); }

  bool closing = false;           // no further bytes are read as requests
  bool open = true;               // false once Pistache reported the disconnection
  bool unmarked_answers = false;  // requests dispatched since the last written-marker
  int markers_pending = 0;        // written-markers not yet reached
  bool served_any = false;        // a request was dispatched
  RequestFramer::Phase last_phase = RequestFramer::Phase::kIdle;

 private:
  friend class ConnectionRegistry;
  const int fd_;
  const bool refused_;
  RequestFramer framer_;
  std::atomic<int64_t> deadline_ms_{0};  // steady-clock milliseconds; 0: none
  std::atomic<int> reason_{0};
  std::atomic<bool> answering_{false};
  // The sweeper's own: progress of the send queue while answering.
  int last_unsent_ = -1;
  int64_t last_send_progress_ms_ = 0;
  bool cut_ = false;
};

class ConnectionRegistry {
 public:
  ConnectionRegistry(ConnectionSettings settings, HostMetrics* metrics);
  ~ConnectionRegistry();
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  // A new connection; refused() when the cap is reached (it is then answered 503 and closed).
  std::shared_ptr<Connection> open(int fd);
  // Pistache reported the end of the connection (before it closes the descriptor).
  void close(const std::shared_ptr<Connection>& connection);

  const ConnectionSettings& settings() const { return settings_; }

  // Stops the sweeper; called before the HTTP endpoint shuts down.
  void stop();

 private:
  void sweep_loop();
  void sweep(int64_t now_ms);

  const ConnectionSettings settings_;
  HostMetrics* metrics_;
  std::mutex mutex_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  size_t admitted_ = 0;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sweeper_;
};

int64_t steady_ms(std::chrono::steady_clock::time_point when);

}  // namespace roomkeys::server
