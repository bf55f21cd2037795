// The operator's HTTP API (off unless --admin-tokens-file is given), for homeserver hooks and
// cron jobs:
//   DELETE /_roomkeys/admin/v1/users/{userId}   the account is gone: purge its backups
//   DELETE /_roomkeys/admin/v1/rooms/{roomId}   the room is purged: remove its keys everywhere
//   GET    /_roomkeys/admin/v1/users/{userId}   what is stored for the user (no key material)
//   GET    /_roomkeys/admin/v1/stats            totals of the whole store
// Only admin tokens open it: a user's access token is refused like any other unknown token.
#pragma once

#include <pistache/http.h>

#include <array>
#include <string>
#include <vector>

#include "server/module_host.h"
#include "server/token_digest.h"

namespace roomkeys::server {

class AdminApi {
 public:
  AdminApi(const ModuleHost& module) : module_(module) {}

  // Reads one token per line ('#' comments, blank lines skipped). Error text or "".
  std::string load_tokens_file(const std::string& path);
  bool enabled() const { return !token_digests_.empty(); }

  // The route template of an admin path ("" when `raw_path` is not one), for metrics.
  static std::string route_of(const std::string& raw_path);
  // `route`: what route_of said of this request's path.
  void serve(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter& response,
             const std::string& route);

 private:
  bool authorised(const Pistache::Http::Request& request) const;

  const ModuleHost& module_;
  std::vector<TokenDigest> token_digests_;  // SHA-256 of each admin token
};

}  // namespace roomkeys::server
