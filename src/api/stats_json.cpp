#include "api/stats_json.h"

#include <nlohmann/json.hpp>

namespace roomkeys {

std::string user_stats_json(const std::string& user_id, const std::vector<VersionUsage>& usage) {
  nlohmann::json versions = nlohmann::json::array();
  int64_t keys = 0, bytes = 0;
  for (const VersionUsage& row : usage) {
    const BackupVersion& v = row.version;
    versions.push_back({{"version", std::to_string(v.version)},
                        {"algorithm", v.algorithm},
                        {"count", v.count},
                        {"etag", std::to_string(v.etag)},
                        {"deleted", v.deleted},
                        {"bytes", row.key_bytes}});
    keys += v.count;
    bytes += row.key_bytes;
  }
  return nlohmann::json{
      {"user_id", user_id}, {"versions", versions}, {"keys", keys}, {"bytes", bytes}}
      .dump();
}

std::string totals_json(const StoreTotals& totals) {
  return nlohmann::json{{"users", totals.users},
                        {"versions", totals.versions},
                        {"deleted_versions", totals.deleted_versions},
                        {"keys", totals.keys},
                        {"bytes", totals.key_bytes}}
      .dump();
}

}  // namespace roomkeys
