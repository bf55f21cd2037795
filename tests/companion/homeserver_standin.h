// A homeserver stand-in for the companion tests (no real homeserver can be installed here): it
// issues access tokens and answers GET /_matrix/client/v3/account/whoami exactly as the Matrix
// client-server spec says, including guests, soft logout, locked accounts, application services
// masquerading with ?user_id=, rate limiting (429 with retry_after_ms) — and it can be made slow,
// broken or stopped. Every other path answers {"served_by":"homeserver","path":...}, so that a
// proxy test can tell who served a request. It counts the whoami calls it receives.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct MHD_Daemon;

namespace roomkeys::testing {

class HomeserverStandin {
 public:
  enum class Mode { kNormal, kRateLimited, kFailing, kGarbage, kBadUserId };

  HomeserverStandin();  // listens on 127.0.0.1, a free port
  ~HomeserverStandin();

  std::string base_url() const;  // http://127.0.0.1:PORT
  int port() const { return port_; }
  void stop();   // the homeserver is down: the port refuses connections
  void start();  // up again, same port

  // A logged-in device of `user_id`; returns its access token.
  std::string login(const std::string& user_id, bool guest = false);
  void logout(const std::string& token);        // the token is gone: 401 M_UNKNOWN_TOKEN
  void soft_logout(const std::string& token);   // 401 M_UNKNOWN_TOKEN, soft_logout true
  void lock(const std::string& user_id);        // 401 M_USER_LOCKED, soft_logout true
  void deactivate(const std::string& user_id);  // every token of the user is gone
  // An application service token whose users are those starting with `user_prefix` (its own
  // sender is user_prefix + "bot:hs.test").
  std::string register_appservice(const std::string& user_prefix);

  void set_mode(Mode mode, int64_t retry_after_ms = 0);
  void set_delay(std::chrono::milliseconds delay);  // before each whoami answer

  int whoami_calls() const { return whoami_calls_.load(); }
  int max_concurrent_whoami() const { return max_concurrent_.load(); }
  // What the last whoami call carried.
  std::string last_authorization() const;
  std::optional<std::string> last_user_id_param() const;

  struct Answer {
    int status;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  Answer whoami(const std::optional<std::string>& authorization,
                const std::optional<std::string>& user_id_param);

 private:
  struct Token {
    std::string user_id;
    std::string device_id;
    bool guest = false;
    bool soft_logged_out = false;
    std::string appservice_prefix;  // non-empty: an application service token
  };

  void listen();

  mutable std::mutex mutex_;
  std::map<std::string, Token> tokens_;
  std::map<std::string, bool> locked_;
  Mode mode_ = Mode::kNormal;
  int64_t retry_after_ms_ = 0;
  std::chrono::milliseconds delay_{0};
  std::string last_authorization_;
  std::optional<std::string> last_user_id_param_;
  std::atomic<int> whoami_calls_{0};
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
  int port_ = 0;
  MHD_Daemon* daemon_ = nullptr;  // libmicrohttpd
};

}  // namespace roomkeys::testing
