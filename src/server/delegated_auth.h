// Authentication delegated to the homeserver (a companion service's way): each access token is
// checked with the homeserver's whoami, and the answer cached. It cannot be turned against the
// homeserver: one whoami call per unknown token however many requests carry it (single flight),
// at most `max_in_flight` calls at once and `calls_per_second` on average; what is over the
// bounds is answered 429. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "server/authenticator.h"
#include "server/host_metrics.h"
#include "server/token_cache.h"
#include "server/whoami_client.h"

namespace roomkeys::server {

struct DelegatedAuthSettings {
  WhoamiSettings whoami;
  std::chrono::seconds cache_ttl{60};    // positive answers; 0 asks every time
  std::chrono::seconds negative_ttl{5};  // refused tokens, capped by cache_ttl
  size_t cache_entries = 100000;
  size_t max_in_flight = 16;
  double calls_per_second = 100;               // token bucket; burst twice as many
  std::chrono::milliseconds queue_wait{1000};  // how long a call waits for a free slot
};

class DelegatedAuth final : public Authenticator {
 public:
  DelegatedAuth(DelegatedAuthSettings settings, HostMetrics& metrics);
  AuthResult authenticate(const AuthRequest& request) override;

 private:
  struct Flight {
    bool done = false;
    WhoamiAnswer answer;
  };
  using Clock = std::chrono::steady_clock;

  WhoamiAnswer ask_homeserver(std::string_view authorization,
                              std::optional<std::string_view> user_id_param);
  // A slot for one whoami call, or the 429 answer when the bounds are reached.
  std::optional<WhoamiAnswer> admit();
  void release();
  void remember(const TokenDigest& key, const WhoamiAnswer& answer);

  DelegatedAuthSettings settings_;
  HostMetrics& metrics_;
  WhoamiClient client_;
  TokenCache cache_;

  std::mutex mutex_;
  std::condition_variable changed_;  // a flight landed or a slot came free
  std::map<TokenDigest, std::shared_ptr<Flight>> flights_;
  size_t in_flight_ = 0;
  double budget_;  // tokens of the call-rate bucket
  Clock::time_point budget_updated_;
};

AuthResult to_auth_result(const WhoamiAnswer& answer);

}  // namespace roomkeys::server
