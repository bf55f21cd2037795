// Everything here runs on the connection's Pistache worker thread.
#include "server/connection_handler.h"

#include <sys/socket.h>

#include <nlohmann/json.hpp>
#include <string>

namespace roomkeys::server {
namespace {

using Clock = std::chrono::steady_clock;

// The whole answer to a request that never reached Pistache, ending the connection.
std::string error_answer(const FramingError& error) {
  const std::string body =
      nlohmann::json{{"errcode", error.errcode}, {"error", error.message}}.dump();
  const auto code = static_cast<Pistache::Http::Code>(error.status);
  return "HTTP/1.1 " + std::to_string(error.status) + " " + Pistache::Http::codeString(code) +
         "\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Runs `then` on the worker thread once everything queued on the connection so far is written:
// Pistache writes each connection's buffers in order, so an empty one resolves after the rest.
template <typename Then>
void when_written(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Then then) {
  peer->send(Pistache::RawBuffer(std::string(), 0))
      .then([then](ssize_t) mutable { then(); }, [](std::exception_ptr&) {});
}

// Pistache lets only its Transport tell a handler which transport it writes to. The HttpHandler
// behind a ConnectionHandler must write to the same one; an explicit instantiation may name a
// private member ([temp.spec.general]/6), which is how the binding below reaches it.
using AssociateTransport = void (Pistache::Tcp::Handler::*)(Pistache::Tcp::Transport*);
AssociateTransport associate_transport();
template <AssociateTransport Member>
struct TransportBinding {
  friend AssociateTransport associate_transport() { return Member; }
};
template struct TransportBinding<&Pistache::Tcp::Handler::associateTransport>;

}  // namespace

// The HttpHandler as Pistache's transport sees a handler: its onInput is Pistache's parser.
Pistache::Tcp::Handler& ConnectionHandler::parser_side() {
  if (!requests_bound_) {
    ((*requests_).*associate_transport())(transport());
    requests_->setMaxRequestSize(getMaxRequestSize());
    requests_->setMaxResponseSize(getMaxResponseSize());
    requests_bound_ = true;
  }
  return *requests_;
}

void ConnectionHandler::onRequest(const Pistache::Http::Request& request,
                                  Pistache::Http::ResponseWriter response) {
  requests_->onRequest(request, std::move(response));
}

void ConnectionHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  parser_side().onConnection(peer);
  auto connection = connections_->open(peer->fd());
  by_peer_[peer.get()] = connection;
  if (connection->refused()) {
    refuse({503, "M_LIMIT_EXCEEDED", "Too many connections; try again later"}, connection, peer);
    return;
  }
  arm_deadline(*connection);
}

void ConnectionHandler::onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (auto it = by_peer_.find(peer.get()); it != by_peer_.end()) {
    connections_->close(it->second);
    by_peer_.erase(it);
  }
  parser_side().onDisconnection(peer);
}

void ConnectionHandler::onInput(const char* buffer, size_t length,
                                const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  const auto found = by_peer_.find(peer.get());
  if (found == by_peer_.end()) return;
  const std::shared_ptr<Connection> connection = found->second;
  if (!connection) return;
  // Pistache (0.0.5) takes an event that is both readable and writable for readable alone: an
  // answer still waiting to be written would wait for a later event, and none comes once the client
  // has sent its last bytes and waits for it. Asking for a write arms the socket for writing again.
  if (connection->answering()) peer->send(Pistache::RawBuffer(std::string(), 0));
  if (connection->closing) return;  // read and dropped until the client hangs up
  RequestFramer& framer = connection->framer();
  framer.append(std::string_view(buffer, length));
  while (!connection->closing) {
    RequestFramer::Next next = framer.next();
    if (auto* request = std::get_if<FramedRequest>(&next)) {
      dispatch(*request, *connection, peer);
      if (!request->keep_alive) close_after_answers(connection, peer);
      continue;
    }
    if (auto* error = std::get_if<FramingError>(&next)) {
      refuse(*error, connection, peer);
      return;
    }
    break;  // the rest of a request is still to come
  }
  if (connection->closing) return;
  if (framer.take_continue()) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    peer->send(Pistache::RawBuffer(kContinue, kContinue.size()));
  }
  arm_deadline(*connection);
  after_answers(connection, peer);
}

// One request to Pistache's parser, which calls onRequest before this returns.
void ConnectionHandler::dispatch(FramedRequest& request, Connection& connection,
                                 const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  connection.unmarked_answers = true;
  connection.served_any = true;
  connection.set_answering(true);
  connection.last_phase = RequestFramer::Phase::kIdle;
  parser_side().onInput(request.head.data(), request.head.size(), peer);
  if (!request.body.empty()) parser_side().onInput(request.body.data(), request.body.size(), peer);
}

// Once the answers dispatched so far are written, the connection waits for the client again.
void ConnectionHandler::after_answers(const std::shared_ptr<Connection>& connection,
                                      const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (!connection->unmarked_answers) return;
  connection->unmarked_answers = false;
  ++connection->markers_pending;
  std::weak_ptr<Connection> weak = connection;
  const auto idle_timeout = connections_->settings().idle_timeout;
  when_written(peer, [weak, idle_timeout] {
    auto c = weak.lock();
    if (!c || !c->open || c->closing) return;
    if (--c->markers_pending > 0) return;
    c->set_answering(false);
    // The idle time starts when the client has its answers, however long they took to read.
    if (c->framer().phase() == RequestFramer::Phase::kIdle) {
      c->set_deadline(Clock::now() + idle_timeout, CutReason::kIdleTimeout);
    }
  });
}

void ConnectionHandler::arm_deadline(Connection& connection) {
  const auto now = Clock::now();
  const ConnectionSettings& settings = connections_->settings();
  const RequestFramer::Phase phase = connection.framer().phase();
  switch (phase) {
    case RequestFramer::Phase::kIdle:
      // A new connection waits for its first request no longer than for a head.
      if (connection.served_any) {
        connection.set_deadline(now + settings.idle_timeout, CutReason::kIdleTimeout);
      } else {
        connection.set_deadline(now + settings.header_timeout, CutReason::kHeaderTimeout);
      }
      break;
    case RequestFramer::Phase::kHead:
      if (connection.last_phase != RequestFramer::Phase::kHead) {
        connection.set_deadline(now + settings.header_timeout, CutReason::kHeaderTimeout);
      }
      break;
    case RequestFramer::Phase::kBody:
      connection.set_deadline(now + settings.body_timeout, CutReason::kBodyTimeout);
      break;
    case RequestFramer::Phase::kFailed:
      break;
  }
  connection.last_phase = phase;
}

void ConnectionHandler::refuse(const FramingError& error,
                               const std::shared_ptr<Connection>& connection,
                               const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (!connection->refused()) metrics_->connection_closed("malformed");
  metrics_->request_done("unmatched", "-", error.status, 0);
  const std::string answer = error_answer(error);
  peer->send(Pistache::RawBuffer(answer, answer.size()));
  close_after_answers(connection, peer);
}

// After everything queued is written: FIN to the client, then drop what it still sends until it
// hangs up or the linger time is over (closing at once could reset the connection before the
// client read our last answer).
void ConnectionHandler::close_after_answers(const std::shared_ptr<Connection>& connection,
                                            const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  connection->closing = true;
  connection->set_answering(true);
  std::weak_ptr<Connection> weak = connection;
  const auto linger = connections_->settings().linger;
  when_written(peer, [weak, linger] {
    auto c = weak.lock();
    if (!c || !c->open) return;
    ::shutdown(c->fd(), SHUT_WR);
    c->set_deadline(Clock::now() + linger, CutReason::kLinger);
    c->set_answering(false);
  });
}

}  // namespace roomkeys::server
