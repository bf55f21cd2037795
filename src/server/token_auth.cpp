#include "server/token_auth.h"

#include <fstream>
#include <random>
#include <sstream>

namespace roomkeys::server {

std::string TokenAuth::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read tokens file " + path;
  return load(in, path);
}

std::string TokenAuth::load(std::istream& in, const std::string& path) {
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    std::istringstream words(line);
    std::string token, user_id, extra;
    if (!(words >> token) || token[0] == '#') continue;
    if (!(words >> user_id) || (words >> extra && extra[0] != '#')) {
      return path + ":" + std::to_string(line_number) + ": expected \"TOKEN USER_ID\"";
    }
    add(token, user_id);
  }
  return "";
}

std::optional<std::string_view> bearer_token(std::optional<std::string_view> authorization) {
  if (!authorization) return std::nullopt;
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view value = *authorization;
  if (value.size() < kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), value.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return std::nullopt;
  }
  value.remove_prefix(kBearer.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  return value;
}

AuthResult missing_token() {
  return AuthResult::failure(401, "M_MISSING_TOKEN", "Missing access token");
}

AuthResult TokenAuth::authenticate(const AuthRequest& request) {
  const auto token = bearer_token(request.authorization);
  if (!token) return missing_token();
  auto it = users_.find(token_digest(*token));
  if (it == users_.end()) {
    return AuthResult::failure(401, "M_UNKNOWN_TOKEN", "Unrecognised access token");
  }
  return AuthResult::user(it->second);
}

std::string random_token() {
  std::random_device device;  // /dev/urandom on Linux
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) {
    const unsigned byte = device() & 0xff;
    token.push_back(kHex[byte >> 4]);
    token.push_back(kHex[byte & 0xf]);
  }
  return token;
}

}  // namespace roomkeys::server
