// Standalone authentication: "Authorization: Bearer TOKEN" mapped to a Matrix user id.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace roomkeys::server {

class TokenAuth {
 public:
  enum class Outcome { kOk, kMissingToken, kUnknownToken };

  void add(std::string token, std::string user_id) {
    users_[std::move(token)] = std::move(user_id);
  }
  // Reads "TOKEN USER_ID" lines; '#' comments and blank lines are skipped. Error text or "".
  std::string load_file(const std::string& path);
  bool empty() const { return users_.empty(); }

  // The user of an Authorization header value (absent: nullopt).
  Outcome authenticate(std::optional<std::string_view> authorization, std::string& user_id) const;

 private:
  std::map<std::string, std::string, std::less<>> users_;
};

// 32 random bytes from the OS, hex-encoded.
std::string random_token();

}  // namespace roomkeys::server
