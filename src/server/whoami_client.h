// Asks the homeserver who an access token belongs to: GET /_matrix/client/v3/account/whoami with
// the client's own Authorization header (libcurl: keep-alive connections, TLS checked against the
// system store or a given CA file). Every way it can go wrong becomes an answer, never a throw.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomkeys::server {

struct WhoamiAnswer {
  enum class Kind {
    kUser,         // user_id (device_id) is who the token belongs to
    kRejected,     // the homeserver refused the token (401/403, or a guest): pass it on
    kRateLimited,  // the homeserver said 429: retry_after_ms
    kUnavailable   // unreachable, too slow, 5xx, or an answer not of the spec's shape
  };
  Kind kind = Kind::kUnavailable;
  std::string user_id;
  std::string device_id;
  uint16_t status = 0;  // kRejected: 401 or 403
  std::string errcode;
  std::string error;  // kRejected: the homeserver's text; kUnavailable: why, for the client
  std::optional<bool> soft_logout;
  int64_t retry_after_ms = 0;

  // 503 M_UNKNOWN for the client, `why` in its error text.
  static WhoamiAnswer unavailable(std::string why) {
    WhoamiAnswer answer;
    answer.errcode = "M_UNKNOWN";
    answer.error = std::move(why);
    return answer;
  }
};

struct WhoamiSettings {
  std::string homeserver_url;  // http(s)://host[:port][/prefix]
  std::string ca_file;         // empty: the system's trust store
  std::chrono::milliseconds timeout{5000};
};

class WhoamiClient {
 public:
  explicit WhoamiClient(WhoamiSettings settings);
  ~WhoamiClient();
  WhoamiClient(const WhoamiClient&) = delete;
  WhoamiClient& operator=(const WhoamiClient&) = delete;

  // Thread-safe. Blocks for at most about the timeout.
  WhoamiAnswer ask(std::string_view authorization, std::optional<std::string_view> user_id_param);

  // The answer to a whoami response (status, body, Retry-After header); exposed for tests.
  static WhoamiAnswer interpret(long http_status, std::string_view body,
                                std::string_view retry_after_header);

 private:
  void* take_handle();
  void give_back(void* handle);

  WhoamiSettings settings_;
  std::string whoami_url_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL easy handles, each keeping its connections alive
};

// A plausible Matrix user id: "@localpart:server", at most 255 bytes, valid UTF-8, no controls.
bool looks_like_user_id(std::string_view user_id);

}  // namespace roomkeys::server
