// What Pistache's transport calls for each client connection of roomkeys-server (BEHAVIOUR.md
// "HTTP connections"). The bytes of a connection go through its RequestFramer; each whole request
// then goes, on its own and in order, to an HttpHandler through Pistache's own parser, which
// calls HttpHandler::onRequest. A framing error is answered here and the connection closed; the
// deadlines of each phase are armed for the ConnectionRegistry's sweeper.
#pragma once

#include <pistache/http.h>
#include <pistache/peer.h>

#include <memory>
#include <unordered_map>

#include "server/connection_registry.h"
#include "server/host_metrics.h"
#include "server/http_handler.h"

namespace roomkeys::server {

class ConnectionHandler final : public Pistache::Http::Handler {
 public:
  // Each worker thread gets its own copy (Pistache clones the handler), with its own HttpHandler.
  ConnectionHandler(std::shared_ptr<HttpHandler> requests, ConnectionRegistry* connections,
                    HostMetrics* metrics)
      : requests_(std::move(requests)), connections_(connections), metrics_(metrics) {}
  ConnectionHandler(const ConnectionHandler& other)
      : Pistache::Http::Handler(other),
        requests_(std::static_pointer_cast<HttpHandler>(other.requests_->clone())),
        connections_(other.connections_),
        metrics_(other.metrics_) {}  // by_peer_ starts empty: connections belong to one worker
  ConnectionHandler& operator=(const ConnectionHandler&) = delete;

  std::shared_ptr<Pistache::Tcp::Handler> clone() const override {
    return std::make_shared<ConnectionHandler>(*this);
  }

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t length,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  // Requests reach the HttpHandler, never this one.
  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override;

 private:
  Pistache::Tcp::Handler& parser_side();
  void dispatch(FramedRequest& request, Connection& connection,
                const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  void after_answers(const std::shared_ptr<Connection>& connection,
                     const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  void refuse(const FramingError& error, const std::shared_ptr<Connection>& connection,
              const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  void close_after_answers(const std::shared_ptr<Connection>& connection,
                           const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  void arm_deadline(Connection& connection);

  std::shared_ptr<HttpHandler> requests_;
  bool requests_bound_ = false;  // requests_ knows this worker's transport
  ConnectionRegistry* connections_;
  HostMetrics* metrics_;
  // This worker's connections. Kept here, not in Pistache's per-peer data, so that only this
  // thread's own code ever takes or drops a reference (Pistache's is not instrumented by the
  // sanitizers, which would then see the last release as a race).
  std::unordered_map<const Pistache::Tcp::Peer*, std::shared_ptr<Connection>> by_peer_;
};

}  // namespace roomkeys::server
