// Who sent a request: the host's authentication, either from its own token list (TokenAuth) or
// delegated to the homeserver (DelegatedAuth). Both answer in Matrix terms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomkeys::server {

struct AuthRequest {
  std::optional<std::string_view> authorization;  // the Authorization header, if any
  std::optional<std::string_view> user_id_param;  // ?user_id= (application services)
};

// Either a user, or the Matrix error to answer with.
struct AuthResult {
  std::string user_id;    // set when authenticated
  std::string device_id;  // may be empty
  uint16_t status = 0;    // else: the error answer
  std::string errcode;
  std::string error;
  std::optional<bool> soft_logout;
  int64_t retry_after_ms = -1;  // 429 only

  bool ok() const { return !user_id.empty(); }
  static AuthResult user(std::string user_id, std::string device_id = "") {
    AuthResult result;
    result.user_id = std::move(user_id);
    result.device_id = std::move(device_id);
    return result;
  }
  static AuthResult failure(uint16_t status, std::string errcode, std::string error) {
    AuthResult result;
    result.status = status;
    result.errcode = std::move(errcode);
    result.error = std::move(error);
    return result;
  }
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Thread-safe; may block (a homeserver round trip) for a bounded time.
  virtual AuthResult authenticate(const AuthRequest& request) = 0;
};

// The token of "Bearer TOKEN" (scheme case-insensitive, surrounding spaces trimmed), or nullopt.
std::optional<std::string_view> bearer_token(std::optional<std::string_view> authorization);

AuthResult missing_token();

}  // namespace roomkeys::server
