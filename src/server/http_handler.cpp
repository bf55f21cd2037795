#include "server/http_handler.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/percent_decode.h"
#include "server/http_reply.h"
#include "server/pistache_responder.h"

using Pistache::Http::Code;
using Pistache::Http::ResponseWriter;

namespace roomkeys::server {
namespace {

std::atomic<uint64_t> request_counter{0};
const std::string kHealthPath = "/_roomkeys/health";

std::optional<mxm_method> to_abi(Pistache::Http::Method method) {
  using Pistache::Http::Method;
  switch (method) {
    case Method::Get:
      return MXM_GET;
    case Method::Put:
      return MXM_PUT;
    case Method::Post:
      return MXM_POST;
    case Method::Delete:
      return MXM_DELETE;
    default:
      return std::nullopt;
  }
}

// The query parameters (Pistache splits them but leaves them encoded), each key and value decoded
// once; nullopt if malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(
    const Pistache::Http::Uri::Query& raw) {
  std::vector<std::pair<std::string, std::string>> params;
  for (auto it = raw.parameters_begin(); it != raw.parameters_end(); ++it) {
    auto key = percent_decode(it->first);
    auto value = percent_decode(it->second);
    if (!key || !value) return std::nullopt;
    params.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

std::vector<mxm_kv> to_kv(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<mxm_kv> kv;
  kv.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    kv.push_back({{key.data(), key.size()}, {value.data(), value.size()}});
  }
  return kv;
}

// ?user_id= (an application service masquerading as one of its users), from the decoded query.
std::optional<std::string_view> user_id_param(
    const std::optional<std::vector<std::pair<std::string, std::string>>>& query) {
  if (!query) return std::nullopt;
  for (const auto& [key, value] : *query) {
    if (key == "user_id") return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string_view> view_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return std::string_view(*text);
}

// Counts a request in flight for as long as it lives.
class InFlightGauge {
 public:
  explicit InFlightGauge(prometheus::Gauge& gauge) : gauge_(gauge) { gauge_.Increment(); }
  ~InFlightGauge() { gauge_.Decrement(); }
  InFlightGauge(const InFlightGauge&) = delete;
  InFlightGauge& operator=(const InFlightGauge&) = delete;

 private:
  prometheus::Gauge& gauge_;
};

std::string route_template(const RegisteredRoute& route) {
  std::string path;
  for (const std::string& segment : route.segments) path += "/" + segment;
  return path;
}

// Pistache answers "Connection: Close" to a request without a Connection header, but HTTP/1.1
// keeps connections open by default (and clients such as wrk rely on it).
void keep_alive_by_default(const Pistache::Http::Request& request, ResponseWriter& response) {
  namespace Header = Pistache::Http::Header;
  if (request.version() != Pistache::Http::Version::Http11 ||
      request.headers().has<Header::Connection>()) {
    return;
  }
  response.headers().remove<Header::Connection>();
  response.headers().add<Header::Connection>(Pistache::Http::ConnectionControl::KeepAlive);
}

}  // namespace

void HttpHandler::onRequest(const Pistache::Http::Request& request, ResponseWriter response) {
  const auto started = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  int status = 0;
  {
    InFlightGauge in_flight(metrics_->in_flight());
    try {
      serve(request, response, route, status);
    } catch (const std::exception& e) {
      // Never Pistache's 500 with the exception's text: a Matrix error, and the log says why.
      spdlog::error("request failed in the host: {}", e.what());
      status = 500;
      send_error(response, Code::Internal_Server_Error, "M_UNKNOWN", "Internal server error");
    }
  }
  if (status == 0) status = static_cast<int>(response.getResponseCode());
  metrics_->request_done(
      route, Pistache::Http::methodString(request.method()), status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void HttpHandler::serve(const Pistache::Http::Request& request, ResponseWriter& response,
                        std::string& route, int& status) {
  keep_alive_by_default(request, response);
  if (request.method() == Pistache::Http::Method::Options) {
    add_common_headers(response, "application/json");
    response.send(Code::No_Content);
    return;
  }
  const std::string& raw_path = request.resource();  // as sent: Pistache does not decode it
  if (raw_path == kHealthPath && request.method() == Pistache::Http::Method::Get) {
    route = kHealthPath;
    // For load balancers: 200 while the database answers, 503 (with the reason) while not.
    const std::string problem = module_->health();
    if (problem.empty()) return send_json(response, Code::Ok, R"({"status":"ok"})");
    spdlog::warn("health check: {}", problem);
    return send_error(response, Code::Service_Unavailable, "M_UNKNOWN",
                      "The database is unavailable.");
  }
  if (admin_ != nullptr) {
    if (std::string admin_route = AdminApi::route_of(raw_path); !admin_route.empty()) {
      route = std::move(admin_route);
      return admin_->serve(request, response, route);
    }
  }
  const auto method = to_abi(request.method());
  const RouteMatch match = module_->routes().match(method.value_or(0), raw_path);
  switch (match.kind) {
    case RouteMatch::Kind::kNotFound:
      return send_error(response, Code::Not_Found, "M_UNRECOGNIZED", "Unrecognized request");
    case RouteMatch::Kind::kWrongMethod:
      return send_error(response, Code::Method_Not_Allowed, "M_UNRECOGNIZED",
                        "Unrecognized request method");
    case RouteMatch::Kind::kBadEncoding:
    case RouteMatch::Kind::kFound:
      break;
  }
  route = route_template(*match.route);

  const auto query = decode_query(request.query());
  AuthResult auth;
  if ((match.route->flags & MXM_ROUTE_REQUIRES_AUTH) != 0) {
    const auto authorization = authorization_header(request);
    auth = auth_->authenticate({view_of(authorization), user_id_param(query)});
    if (!auth.ok()) {
      return send_auth_failure(response, auth);
    }
  }
  if (limiter_->enabled() && (match.route->flags & MXM_ROUTE_RATE_LIMITED) != 0) {
    if (const int64_t wait_ms = limiter_->acquire(auth.user_id); wait_ms > 0) {
      metrics_->rate_limited("user");
      return send_rate_limited(response, wait_ms);
    }
  }
  if (match.kind == RouteMatch::Kind::kBadEncoding || !query) {
    return send_error(response, Code::Bad_Request, "M_INVALID_PARAM",
                      "Invalid percent-encoding or UTF-8 in the request path or query");
  }

  const std::vector<mxm_kv> path_params = to_kv(match.params);
  const std::vector<mxm_kv> query_params = to_kv(*query);
  const std::string request_id = std::to_string(++request_counter);
  mxm_request abi_request{};
  abi_request.struct_size = sizeof abi_request;
  abi_request.method = *method;
  abi_request.path = {raw_path.data(), raw_path.size()};
  abi_request.path_params = path_params.data();
  abi_request.n_path_params = path_params.size();
  abi_request.query = query_params.data();
  abi_request.n_query = query_params.size();
  abi_request.user_id = {auth.user_id.data(), auth.user_id.size()};
  abi_request.device_id = {auth.device_id.data(), auth.device_id.size()};
  abi_request.body = {request.body().data(), request.body().size()};
  abi_request.request_id = {request_id.data(), request_id.size()};

  mxm_responder responder{&response, std::nullopt};
  match.route->handler(match.route->handler_data, &abi_request, &responder);
  status = responder.status;

  if (responder.state == mxm_responder::State::kNone) {
    spdlog::error("request {}: the module returned without answering", request_id);
    send_error(response, Code::Internal_Server_Error, "M_UNKNOWN", "Internal server error");
  } else if (responder.state == mxm_responder::State::kStreaming) {
    // The module abandoned a stream: close the connection so that the client sees a truncated
    // body, never one that looks complete.
    spdlog::warn("request {}: response stream aborted", request_id);
    if (auto peer = response.getPeer()) ::shutdown(peer->fd(), SHUT_RDWR);
  }
}

}  // namespace roomkeys::server
