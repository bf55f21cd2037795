#include "server/host_metrics.h"

#include <stdexcept>

namespace roomkeys::server {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

}  // namespace

HostMetrics::HostMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &BuildCounter()
                   .Name("roomkeys_http_requests_total")
                   .Help("HTTP requests answered, by route template, method and status")
                   .Register(*registry_);
  request_seconds_ = &BuildHistogram()
                          .Name("roomkeys_http_request_duration_seconds")
                          .Help("Time from a request's arrival to its answer, by route template")
                          .Register(*registry_);
  in_flight_ = &BuildGauge()
                    .Name("roomkeys_http_requests_in_flight")
                    .Help("Requests being handled now")
                    .Register(*registry_)
                    .Add({});
  auto& cache = BuildCounter()
                    .Name("roomkeys_auth_cache_lookups_total")
                    .Help("Access-token cache lookups, by result (hit, miss)")
                    .Register(*registry_);
  auth_cache_hits_ = &cache.Add({{"result", "hit"}});
  auth_cache_misses_ = &cache.Add({{"result", "miss"}});
  homeserver_calls_ = &BuildCounter()
                           .Name("roomkeys_homeserver_whoami_total")
                           .Help(
                               "whoami calls to the homeserver, by outcome (user, rejected, "
                               "rate_limited, unavailable)")
                           .Register(*registry_);
  homeserver_seconds_ = &BuildHistogram()
                             .Name("roomkeys_homeserver_whoami_duration_seconds")
                             .Help("Time the homeserver took to answer whoami")
                             .Register(*registry_)
                             .Add({}, latency_buckets());
  rate_limited_ = &BuildCounter()
                       .Name("roomkeys_rate_limited_requests_total")
                       .Help(
                           "Requests answered 429 by roomkeys, by reason (user: the per-user "
                           "limit, auth: the bound on homeserver calls)")
                       .Register(*registry_);
  connections_open_ = &BuildGauge()
                           .Name("roomkeys_http_connections_open")
                           .Help("Client connections open now (refused ones not counted)")
                           .Register(*registry_)
                           .Add({});
  connections_closed_ = &BuildCounter()
                             .Name("roomkeys_http_connections_closed_total")
                             .Help(
                                 "Client connections closed by roomkeys, by reason (refused, "
                                 "malformed, header_timeout, body_timeout, idle_timeout, "
                                 "send_timeout, linger)")
                             .Register(*registry_);
}

HostMetrics::~HostMetrics() = default;

void HostMetrics::connection_closed(const std::string& reason) {
  connections_closed_->Add({{"reason", reason}}).Increment();
}

std::string HostMetrics::listen(const std::string& host_port) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(host_port, 1);
  } catch (const std::exception& e) {
    return "cannot serve metrics on " + host_port + ": " + e.what();
  }
  exposer_->RegisterCollectable(registry_);
  for (const auto& source : sources_) exposer_->RegisterCollectable(source);
  return "";
}

std::vector<int> HostMetrics::listening_ports() const {
  return exposer_ ? exposer_->GetListeningPorts() : std::vector<int>{};
}

void HostMetrics::add_collectable(const std::shared_ptr<prometheus::Collectable>& collectable) {
  sources_.push_back(collectable);
  if (exposer_) exposer_->RegisterCollectable(collectable);
}

void HostMetrics::request_done(const std::string& route, const std::string& method, int status,
                               double seconds) {
  requests_->Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}})
      .Increment();
  request_seconds_->Add({{"route", route}, {"method", method}}, latency_buckets()).Observe(seconds);
}

void HostMetrics::homeserver_call(const std::string& outcome, double seconds) {
  homeserver_calls_->Add({{"outcome", outcome}}).Increment();
  homeserver_seconds_->Observe(seconds);
}

void HostMetrics::rate_limited(const std::string& reason) {
  rate_limited_->Add({{"reason", reason}}).Increment();
}

}  // namespace roomkeys::server
