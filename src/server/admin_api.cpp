#include "server/admin_api.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "common/percent_decode.h"
#include "common/utf8.h"
#include "server/authenticator.h"
#include "server/http_reply.h"
#include "server/route_table.h"
#include "server/token_digest.h"
#include "server/whoami_client.h"

using Pistache::Http::Code;
using Pistache::Http::Method;

namespace roomkeys::server {
namespace {

const std::string kPrefix = "/_roomkeys/admin/v1/";

bool looks_like_room_id(std::string_view room_id) {
  return room_id.size() >= 2 && room_id.size() <= 255 && room_id.front() == '!' &&
         is_valid_utf8(room_id);
}

void send_status_error(Pistache::Http::ResponseWriter& response, mxm_status status,
                       const std::string& message) {
  if (status == MXM_E_NOT_FOUND) {
    return send_error(response, static_cast<Code>(501), "M_UNRECOGNIZED",
                      "The loaded module does not offer this operation");
  }
  spdlog::error("admin API: module call failed: {}", message);
  if (status == MXM_E_STORAGE) {
    return send_error(response, Code::Service_Unavailable, "M_UNKNOWN",
                      "The database is unavailable");
  }
  send_error(response, Code::Internal_Server_Error, "M_UNKNOWN", "The module call failed");
}

}  // namespace

std::string AdminApi::load_tokens_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read admin tokens file " + path;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string token;
    if (!(words >> token) || token[0] == '#') continue;
    token_digests_.push_back(token_digest(token));
  }
  if (token_digests_.empty()) return "admin tokens file " + path + " holds no token";
  return "";
}

std::string AdminApi::route_of(const std::string& raw_path) {
  if (raw_path.rfind(kPrefix, 0) != 0) return "";
  const auto segments = split_path(raw_path.substr(kPrefix.size() - 1));
  if (segments.size() == 1 && segments[0] == "stats") return kPrefix + "stats";
  if (segments.size() == 2 && segments[0] == "users") return kPrefix + "users/{userId}";
  if (segments.size() == 2 && segments[0] == "rooms") return kPrefix + "rooms/{roomId}";
  return kPrefix + "unknown";
}

bool AdminApi::authorised(const Pistache::Http::Request& request) const {
  const std::optional<std::string> header = authorization_header(request);
  const auto token = bearer_token(header ? std::optional<std::string_view>(*header) : std::nullopt);
  if (!token) return false;
  const auto digest = token_digest(*token);
  bool match = false;
  for (const auto& known : token_digests_) {  // every digest compared, in constant time
    match |= CRYPTO_memcmp(known.data(), digest.data(), digest.size()) == 0;
  }
  return match;
}

void AdminApi::serve(const Pistache::Http::Request& request,
                     Pistache::Http::ResponseWriter& response, const std::string& route) {
  const std::string& raw_path = request.resource();
  const auto segments = split_path(raw_path.substr(kPrefix.size() - 1));
  const bool known = route != kPrefix + "unknown";
  if (!known)
    return send_error(response, Code::Not_Found, "M_UNRECOGNIZED", "Unrecognized request");
  if (!authorised(request)) {
    return send_error(response, Code::Forbidden, "M_FORBIDDEN", "An admin token is required");
  }
  const Method method = request.method();
  std::string out;
  if (segments[0] == "stats") {
    if (method != Method::Get) {
      return send_error(response, Code::Method_Not_Allowed, "M_UNRECOGNIZED",
                        "Unrecognized request method");
    }
    const mxm_status status = module_.user_stats("", out);
    return status == MXM_OK ? send_json(response, Code::Ok, out)
                            : send_status_error(response, status, out);
  }
  const auto id = percent_decode(segments[1]);
  const bool user = segments[0] == "users";
  if (!id || (user ? !looks_like_user_id(*id) : !looks_like_room_id(*id))) {
    return send_error(response, Code::Bad_Request, "M_INVALID_PARAM",
                      user ? "Not a valid user id" : "Not a valid room id");
  }
  if (method == Method::Get && user) {
    const mxm_status status = module_.user_stats(*id, out);
    return status == MXM_OK ? send_json(response, Code::Ok, out)
                            : send_status_error(response, status, out);
  }
  if (method != Method::Delete) {
    return send_error(response, Code::Method_Not_Allowed, "M_UNRECOGNIZED",
                      "Unrecognized request method");
  }
  const mxm_status status = user ? module_.purge_user(*id, out) : module_.purge_room(*id, out);
  if (status != MXM_OK) return send_status_error(response, status, out);
  spdlog::info("admin API: purged {} {}", user ? "user" : "room", *id);
  send_json(response, Code::Ok, "{}");
}

}  // namespace roomkeys::server
