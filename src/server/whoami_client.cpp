#include "server/whoami_client.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/utf8.h"

namespace roomkeys::server {
namespace {

constexpr size_t kMaxAnswerBytes = size_t{64} * 1024;  // a whoami answer is a few hundred bytes
constexpr size_t kMaxErrorText = 1024;

struct Transfer {
  std::string body;
  std::string retry_after;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (transfer.body.size() + n > kMaxAnswerBytes) return 0;  // aborts: not a whoami answer
  transfer.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  const size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    line.remove_prefix(kName.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    static_cast<Transfer*>(user)->retry_after = std::string(line);
  }
  return n;
}

std::string bounded(std::string text) {
  if (text.size() > kMaxErrorText) text.resize(kMaxErrorText);
  return is_valid_utf8(text) ? text : "";
}

WhoamiAnswer user_answer(const nlohmann::json& body) {
  const auto user_id = body.find("user_id");
  if (user_id == body.end() || !user_id->is_string() ||
      !looks_like_user_id(user_id->get_ref<const std::string&>())) {
    return WhoamiAnswer::unavailable("The homeserver's whoami answer holds no valid user_id");
  }
  WhoamiAnswer answer;
  if (const auto guest = body.find("is_guest");
      guest != body.end() && guest->is_boolean() && guest->get<bool>()) {
    answer.kind = WhoamiAnswer::Kind::kRejected;
    answer.status = 403;
    answer.errcode = "M_GUEST_ACCESS_FORBIDDEN";
    answer.error = "Guest accounts cannot use key backup";
    return answer;
  }
  answer.kind = WhoamiAnswer::Kind::kUser;
  answer.user_id = user_id->get<std::string>();
  if (const auto device = body.find("device_id"); device != body.end() && device->is_string()) {
    answer.device_id = bounded(device->get<std::string>());
  }
  return answer;
}

WhoamiAnswer rejected_answer(uint16_t status, const nlohmann::json& body) {
  const auto errcode = body.find("errcode");
  if (errcode == body.end() || !errcode->is_string() ||
      errcode->get_ref<const std::string&>().empty()) {
    return WhoamiAnswer::unavailable("The homeserver refused the token without a Matrix error");
  }
  WhoamiAnswer answer;
  answer.kind = WhoamiAnswer::Kind::kRejected;
  answer.status = status;
  answer.errcode = bounded(errcode->get<std::string>());
  if (const auto error = body.find("error"); error != body.end() && error->is_string()) {
    answer.error = bounded(error->get<std::string>());
  }
  if (answer.error.empty()) answer.error = "The homeserver refused the access token";
  if (const auto soft = body.find("soft_logout"); soft != body.end() && soft->is_boolean()) {
    answer.soft_logout = soft->get<bool>();
  }
  return answer;
}

WhoamiAnswer rate_limited_answer(const nlohmann::json& body, std::string_view retry_after) {
  WhoamiAnswer answer;
  answer.kind = WhoamiAnswer::Kind::kRateLimited;
  answer.errcode = "M_LIMIT_EXCEEDED";
  answer.error = "Too many requests";
  answer.retry_after_ms = 1000;  // when the homeserver says nothing
  int64_t seconds = 0;
  if (const auto ms = body.is_object() ? body.find("retry_after_ms") : body.end();
      ms != body.end() && ms->is_number_integer() && ms->get<int64_t>() >= 0) {
    answer.retry_after_ms = std::min<int64_t>(ms->get<int64_t>(), int64_t{24} * 3600 * 1000);
  } else if (auto [end, error] = std::from_chars(retry_after.data(),
                                                 retry_after.data() + retry_after.size(), seconds);
             error == std::errc() && end == retry_after.data() + retry_after.size() &&
             seconds >= 0) {
    answer.retry_after_ms = std::min<int64_t>(seconds, int64_t{24} * 3600) * 1000;
  }
  return answer;
}

}  // namespace

bool looks_like_user_id(std::string_view user_id) {
  if (user_id.size() < 4 || user_id.size() > 255 || user_id.front() != '@') return false;
  const auto colon = user_id.find(':');
  if (colon == std::string_view::npos || colon < 2 || colon + 1 == user_id.size()) return false;
  for (const char c : user_id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return is_valid_utf8(user_id);
}

WhoamiAnswer WhoamiClient::interpret(long http_status, std::string_view body,
                                     std::string_view retry_after_header) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (http_status == 429) return rate_limited_answer(json, retry_after_header);
  if (http_status >= 500) {
    return WhoamiAnswer::unavailable("The homeserver failed (HTTP " + std::to_string(http_status) +
                                     ")");
  }
  if (http_status != 200 && http_status != 401 && http_status != 403) {
    return WhoamiAnswer::unavailable("The homeserver answered whoami with HTTP " +
                                     std::to_string(http_status));
  }
  if (json.is_discarded() || !json.is_object()) {
    return WhoamiAnswer::unavailable("The homeserver's whoami answer is not a JSON object");
  }
  if (http_status == 200) return user_answer(json);
  return rejected_answer(static_cast<uint16_t>(http_status), json);
}

WhoamiClient::WhoamiClient(WhoamiSettings settings) : settings_(std::move(settings)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted, thread-safe since 7.84
  std::string base = settings_.homeserver_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  whoami_url_ = base + "/_matrix/client/v3/account/whoami";
}

WhoamiClient::~WhoamiClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
  curl_global_cleanup();
}

void* WhoamiClient::take_handle() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void WhoamiClient::give_back(void* handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(handle);
}

WhoamiAnswer WhoamiClient::ask(std::string_view authorization,
                               std::optional<std::string_view> user_id_param) {
  CURL* curl = static_cast<CURL*>(take_handle());
  if (curl == nullptr)
    return WhoamiAnswer::unavailable("Cannot reach the homeserver (out of memory)");
  std::string url = whoami_url_;
  if (user_id_param) {
    std::unique_ptr<char, void (*)(void*)> escaped(
        curl_easy_escape(curl, user_id_param->data(), static_cast<int>(user_id_param->size())),
        curl_free);
    if (escaped) url += std::string("?user_id=") + escaped.get();
  }
  const std::string auth_header = "Authorization: " + std::string(authorization);
  curl_slist* headers = curl_slist_append(nullptr, auth_header.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  Transfer transfer;
  curl_easy_reset(curl);  // keeps the connection cache
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!settings_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  give_back(curl);

  if (code == CURLE_OPERATION_TIMEDOUT) {
    spdlog::warn("homeserver whoami: no answer within {} ms", settings_.timeout.count());
    return WhoamiAnswer::unavailable("The homeserver did not answer in time");
  }
  if (code != CURLE_OK) {
    // curl's text names the host and the TLS or socket failure, never the request's headers.
    spdlog::warn("homeserver whoami failed: {}", curl_easy_strerror(code));
    return WhoamiAnswer::unavailable("The homeserver cannot be reached");
  }
  WhoamiAnswer answer = interpret(status, transfer.body, transfer.retry_after);
  if (answer.kind == WhoamiAnswer::Kind::kUnavailable) {
    spdlog::warn("homeserver whoami: {}", answer.error);
  }
  return answer;
}

}  // namespace roomkeys::server
