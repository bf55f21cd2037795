// roomkeys-server's Prometheus metrics (prometheus-cpp): what the host sees of requests, of its
// authentication and of the homeserver, plus whatever the module reports through the C ABI
// (collected at scrape time). Counting is always on; --metrics-listen serves /metrics.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace roomkeys::server {

class HostMetrics {
 public:
  HostMetrics();
  ~HostMetrics();

  // Serves /metrics on HOST:PORT. "" on success, else why not.
  std::string listen(const std::string& host_port);
  std::vector<int> listening_ports() const;
  // Stops serving /metrics (joining its threads): called before a source it collects from goes.
  void stop() { exposer_.reset(); }
  // Adds a source of further metric families (the module's), collected at each scrape.
  void add_collectable(const std::shared_ptr<prometheus::Collectable>& collectable);

  // One answered request: `route` is the route template ("unmatched" when none matched).
  void request_done(const std::string& route, const std::string& method, int status,
                    double seconds);
  prometheus::Gauge& in_flight() { return *in_flight_; }
  void auth_cache(bool hit) { (hit ? auth_cache_hits_ : auth_cache_misses_)->Increment(); }
  // outcome: user, rejected, rate_limited, unavailable.
  void homeserver_call(const std::string& outcome, double seconds);
  // reason: user (the per-user limit), auth (the bound on homeserver calls).
  void rate_limited(const std::string& reason);
  prometheus::Gauge& connections_open() { return *connections_open_; }
  // reason: refused (over the connection cap), malformed (the framing error answered before
  // closing), header_timeout, body_timeout, idle_timeout, send_timeout, linger.
  void connection_closed(const std::string& reason);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<std::shared_ptr<prometheus::Collectable>> sources_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* request_seconds_;
  prometheus::Gauge* in_flight_;
  prometheus::Counter* auth_cache_hits_;
  prometheus::Counter* auth_cache_misses_;
  prometheus::Family<prometheus::Counter>* homeserver_calls_;
  prometheus::Histogram* homeserver_seconds_;
  prometheus::Family<prometheus::Counter>* rate_limited_;
  prometheus::Gauge* connections_open_;
  prometheus::Family<prometheus::Counter>* connections_closed_;
};

}  // namespace roomkeys::server
