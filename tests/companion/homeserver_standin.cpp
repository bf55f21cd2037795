#include "companion/homeserver_standin.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace roomkeys::testing {
namespace {

using nlohmann::json;

std::string random_string(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kAlphabet[rng() % (sizeof kAlphabet - 1)]);
  return out;
}

HomeserverStandin::Answer error(int status, const std::string& errcode, const std::string& text,
                                std::optional<bool> soft_logout = std::nullopt) {
  json body = {{"errcode", errcode}, {"error", text}};
  if (soft_logout) body["soft_logout"] = *soft_logout;
  return {status, body.dump(), {}};
}

std::optional<std::string> lookup(MHD_Connection* connection, MHD_ValueKind kind,
                                  const char* name) {
  const char* value = MHD_lookup_connection_value(connection, kind, name);
  return value ? std::optional<std::string>(value) : std::nullopt;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char* /*version*/, const char* /*upload_data*/,
                      size_t* upload_data_size, void** state) {
  if (*state == nullptr) {  // the headers have come; the body (if any) follows
    static int marker;
    *state = &marker;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {  // bodies are not looked at
    *upload_data_size = 0;
    return MHD_YES;
  }
  auto* standin = static_cast<HomeserverStandin*>(cls);
  HomeserverStandin::Answer answer;
  if (std::string_view(url) == "/_matrix/client/v3/account/whoami" &&
      std::string_view(method) == "GET") {
    answer = standin->whoami(lookup(connection, MHD_HEADER_KIND, "Authorization"),
                             lookup(connection, MHD_GET_ARGUMENT_KIND, "user_id"));
  } else {
    answer = {200, json{{"served_by", "homeserver"}, {"path", url}}.dump(), {}};
  }
  MHD_Response* response = MHD_create_response_from_buffer(answer.body.size(), answer.body.data(),
                                                           MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", "application/json");
  for (const auto& [name, value] : answer.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned>(answer.status), response);
  MHD_destroy_response(response);
  return queued;
}

}  // namespace

HomeserverStandin::HomeserverStandin() { listen(); }

HomeserverStandin::~HomeserverStandin() { stop(); }

void HomeserverStandin::listen() {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // One thread per connection: a slow answer (set_delay) holds up no other request.
  daemon_ = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                             nullptr, nullptr, &on_request, this, MHD_OPTION_SOCK_ADDR, &address,
                             MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U, MHD_OPTION_END);
  if (daemon_ == nullptr) throw std::runtime_error("the homeserver stand-in cannot listen");
  port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
}

std::string HomeserverStandin::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void HomeserverStandin::stop() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);  // closes the port at once
  daemon_ = nullptr;
}

void HomeserverStandin::start() {
  if (daemon_ == nullptr) listen();
}

std::string HomeserverStandin::login(const std::string& user_id, bool guest) {
  std::string token = "syt_" + random_string(32);
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_[token] = Token{user_id, "DEV" + random_string(6), guest, false, ""};
  return token;
}

void HomeserverStandin::logout(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_.erase(token);
}

void HomeserverStandin::soft_logout(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_.at(token).soft_logged_out = true;
}

void HomeserverStandin::lock(const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  locked_[user_id] = true;
}

void HomeserverStandin::deactivate(const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    it = it->second.user_id == user_id ? tokens_.erase(it) : std::next(it);
  }
}

std::string HomeserverStandin::register_appservice(const std::string& user_prefix) {
  std::string token = "as_" + random_string(32);
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_[token] = Token{user_prefix + "bot:hs.test", "", false, false, user_prefix};
  return token;
}

void HomeserverStandin::set_mode(Mode mode, int64_t retry_after_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  mode_ = mode;
  retry_after_ms_ = retry_after_ms;
}

void HomeserverStandin::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mutex_);
  delay_ = delay;
}

std::string HomeserverStandin::last_authorization() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_authorization_;
}

std::optional<std::string> HomeserverStandin::last_user_id_param() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_user_id_param_;
}

HomeserverStandin::Answer HomeserverStandin::whoami(
    const std::optional<std::string>& authorization,
    const std::optional<std::string>& user_id_param) {
  ++whoami_calls_;
  const int now = ++concurrent_;
  for (int seen = max_concurrent_.load();
       now > seen && !max_concurrent_.compare_exchange_weak(seen, now);) {
  }
  struct Leave {
    std::atomic<int>& n;
    ~Leave() { --n; }
  } leave{concurrent_};

  std::chrono::milliseconds delay;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_authorization_ = authorization.value_or("");
    last_user_id_param_ = user_id_param;
    delay = delay_;
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);

  std::lock_guard<std::mutex> lock(mutex_);
  switch (mode_) {
    case Mode::kRateLimited: {
      Answer answer = error(429, "M_LIMIT_EXCEEDED", "Too many requests");
      auto body = json::parse(answer.body);
      body["retry_after_ms"] = retry_after_ms_;
      answer.body = body.dump();
      answer.headers.emplace_back("Retry-After", std::to_string((retry_after_ms_ + 999) / 1000));
      return answer;
    }
    case Mode::kFailing:
      return {502, "<html>Bad Gateway</html>", {}};
    case Mode::kGarbage:
      return {200, "this is not JSON", {}};
    case Mode::kBadUserId:
      return {200, R"({"user_id":"not a user id"})", {}};
    case Mode::kNormal:
      break;
  }
  // The spec: an access token comes in "Authorization: Bearer TOKEN".
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization || authorization->rfind(kBearer, 0) != 0) {
    return error(401, "M_MISSING_TOKEN", "Missing access token");
  }
  const auto it = tokens_.find(authorization->substr(kBearer.size()));
  if (it == tokens_.end()) {
    return error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.", false);
  }
  const Token& token = it->second;
  if (token.soft_logged_out) {
    return error(401, "M_UNKNOWN_TOKEN", "Access token has expired", true);
  }
  if (!token.appservice_prefix.empty()) {
    const std::string user = user_id_param.value_or(token.user_id);
    if (user.rfind(token.appservice_prefix, 0) != 0) {
      return error(403, "M_FORBIDDEN", "Application service cannot masquerade as this user.");
    }
    return {200, json{{"user_id", user}, {"is_guest", false}}.dump(), {}};
  }
  if (locked_.count(token.user_id) != 0) {
    return error(401, "M_USER_LOCKED", "This account has been locked", true);
  }
  json body = {{"user_id", token.user_id}, {"device_id", token.device_id}};
  if (token.guest) body["is_guest"] = true;
  return {200, body.dump(), {}};
}

}  // namespace roomkeys::testing
