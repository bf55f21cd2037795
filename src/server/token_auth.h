// Standalone authentication: "Authorization: Bearer TOKEN" mapped to a Matrix user id by a list
// the operator gives (flags or a tokens file).
#pragma once

#include <map>
#include <string>

#include "server/authenticator.h"

namespace roomkeys::server {

class TokenAuth final : public Authenticator {
 public:
  void add(std::string token, std::string user_id) {
    users_[std::move(token)] = std::move(user_id);
  }
  // Reads "TOKEN USER_ID" lines; '#' comments and blank lines are skipped. Error text or "".
  std::string load_file(const std::string& path);
  bool empty() const { return users_.empty(); }

  AuthResult authenticate(const AuthRequest& request) override;

 private:
  std::map<std::string, std::string, std::less<>> users_;
};

// 32 random bytes from the OS, hex-encoded.
std::string random_token();

}  // namespace roomkeys::server
