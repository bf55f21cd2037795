// Standalone authentication: "Authorization: Bearer TOKEN" mapped to a Matrix user id by a list
// the operator gives (flags or a tokens file).
#pragma once

#include <istream>
#include <map>
#include <string>
#include <string_view>

#include "server/authenticator.h"
#include "server/token_digest.h"

namespace roomkeys::server {

class TokenAuth final : public Authenticator {
 public:
  void add(std::string_view token, std::string user_id) {
    users_[token_digest(token)] = std::move(user_id);
  }
  // Reads "TOKEN USER_ID" lines; '#' comments and blank lines are skipped. Error text or "".
  std::string load_file(const std::string& path);
  // The same from a stream; `name` names it in error text.
  std::string load(std::istream& in, const std::string& name);
  bool empty() const { return users_.empty(); }

  AuthResult authenticate(const AuthRequest& request) override;

 private:
  std::map<TokenDigest, std::string> users_;  // by the digest of the token
};

// 32 random bytes from the OS, hex-encoded.
std::string random_token();

}  // namespace roomkeys::server
