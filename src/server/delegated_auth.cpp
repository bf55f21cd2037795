#include "server/delegated_auth.h"

#include <algorithm>
#include <cmath>

namespace roomkeys::server {
namespace {

WhoamiAnswer over_bounds(int64_t retry_after_ms) {
  WhoamiAnswer answer;
  answer.kind = WhoamiAnswer::Kind::kRateLimited;
  answer.errcode = "M_LIMIT_EXCEEDED";
  answer.error = "Too many new access tokens at once; try again shortly";
  answer.retry_after_ms = retry_after_ms;
  return answer;
}

const char* outcome_name(WhoamiAnswer::Kind kind) {
  switch (kind) {
    case WhoamiAnswer::Kind::kUser:
      return "user";
    case WhoamiAnswer::Kind::kRejected:
      return "rejected";
    case WhoamiAnswer::Kind::kRateLimited:
      return "rate_limited";
    case WhoamiAnswer::Kind::kUnavailable:
      break;
  }
  return "unavailable";
}

}  // namespace

AuthResult to_auth_result(const WhoamiAnswer& answer) {
  switch (answer.kind) {
    case WhoamiAnswer::Kind::kUser:
      return AuthResult::user(answer.user_id, answer.device_id);
    case WhoamiAnswer::Kind::kRejected: {
      AuthResult result = AuthResult::failure(answer.status, answer.errcode, answer.error);
      result.soft_logout = answer.soft_logout;
      return result;
    }
    case WhoamiAnswer::Kind::kRateLimited: {
      AuthResult result = AuthResult::failure(429, "M_LIMIT_EXCEEDED", answer.error);
      result.retry_after_ms = answer.retry_after_ms;
      return result;
    }
    case WhoamiAnswer::Kind::kUnavailable:
      break;
  }
  return AuthResult::failure(503, "M_UNKNOWN",
                             "Cannot check the access token with the homeserver: " + answer.error);
}

DelegatedAuth::DelegatedAuth(DelegatedAuthSettings settings, HostMetrics& metrics)
    : settings_(std::move(settings)),
      metrics_(metrics),
      client_(settings_.whoami),
      cache_(settings_.cache_entries),
      budget_(2 * settings_.calls_per_second),
      budget_updated_(Clock::now()) {
  settings_.negative_ttl = std::min(settings_.negative_ttl, settings_.cache_ttl);
}

AuthResult DelegatedAuth::authenticate(const AuthRequest& request) {
  const auto token = bearer_token(request.authorization);
  if (!token) return missing_token();
  const TokenDigest key = cache_.digest(*token, request.user_id_param);
  if (auto cached = cache_.find(key)) {
    metrics_.auth_cache(true);
    return to_auth_result(*cached);
  }
  metrics_.auth_cache(false);

  std::shared_ptr<Flight> flight;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    auto [it, leader] = flights_.try_emplace(key);
    if (!leader) {
      // Someone is asking the homeserver about this very token: wait for that answer.
      flight = it->second;
      const auto deadline =
          Clock::now() + settings_.whoami.timeout + settings_.queue_wait + std::chrono::seconds(1);
      if (!changed_.wait_until(lock, deadline, [&] { return flight->done; })) {
        return to_auth_result(WhoamiAnswer::unavailable("The homeserver did not answer in time"));
      }
      return to_auth_result(flight->answer);
    }
    it->second = flight = std::make_shared<Flight>();
  }

  WhoamiAnswer answer;
  try {
    answer = ask_homeserver(*request.authorization, request.user_id_param);
  } catch (...) {
    answer = WhoamiAnswer::unavailable("Internal error while asking the homeserver");
  }
  remember(key, answer);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    flight->answer = answer;
    flight->done = true;
    flights_.erase(key);
  }
  changed_.notify_all();
  return to_auth_result(answer);
}

WhoamiAnswer DelegatedAuth::ask_homeserver(std::string_view authorization,
                                           std::optional<std::string_view> user_id_param) {
  if (auto refused = admit()) {
    metrics_.rate_limited("auth");
    return *refused;
  }
  const auto started = Clock::now();
  WhoamiAnswer answer;
  try {
    answer = client_.ask(authorization, user_id_param);
  } catch (...) {
    release();
    throw;
  }
  release();
  metrics_.homeserver_call(outcome_name(answer.kind),
                           std::chrono::duration<double>(Clock::now() - started).count());
  return answer;
}

std::optional<WhoamiAnswer> DelegatedAuth::admit() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (settings_.calls_per_second > 0) {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - budget_updated_).count();
    budget_ =
        std::min(2 * settings_.calls_per_second, budget_ + elapsed * settings_.calls_per_second);
    budget_updated_ = now;
    if (budget_ < 1) {
      const double wait_s = (1 - budget_) / settings_.calls_per_second;
      return over_bounds(std::max<int64_t>(1, std::llround(wait_s * 1000)));
    }
  }
  if (!changed_.wait_for(lock, settings_.queue_wait,
                         [&] { return in_flight_ < settings_.max_in_flight; })) {
    return over_bounds(1000);
  }
  if (settings_.calls_per_second > 0) budget_ -= 1;
  ++in_flight_;
  return std::nullopt;
}

void DelegatedAuth::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
  }
  changed_.notify_all();
}

void DelegatedAuth::remember(const TokenDigest& key, const WhoamiAnswer& answer) {
  const auto now = Clock::now();
  if (answer.kind == WhoamiAnswer::Kind::kUser && settings_.cache_ttl.count() > 0) {
    cache_.put(key, answer, now + settings_.cache_ttl);
  } else if (answer.kind == WhoamiAnswer::Kind::kRejected && settings_.negative_ttl.count() > 0) {
    cache_.put(key, answer, now + settings_.negative_ttl);
  }
  // 429 and unavailability are never cached: the next request asks again.
}

}  // namespace roomkeys::server
