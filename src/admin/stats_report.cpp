#include "admin/stats_report.h"

#include <cinttypes>

namespace roomkeys::admin {
namespace {

int failed(const Status& status, std::FILE* err) {
  std::fprintf(err, "roomkeys-admin: stats failed: %s\n", status.message().c_str());
  return 1;
}

}  // namespace

int print_stats(KeyBackupService& service, const std::string& user_id, std::FILE* out,
                std::FILE* err) {
  if (user_id.empty()) {
    auto totals = service.totals();
    if (!totals.is_ok()) return failed(totals.status(), err);
    const StoreTotals& t = totals.value();
    std::fprintf(out,
                 "users         %" PRId64 "\nversions      %" PRId64 " (%" PRId64
                 " deleted)\nkeys          %" PRId64 "\nsession data  %" PRId64 " bytes\n",
                 t.users, t.versions, t.deleted_versions, t.keys, t.key_bytes);
    return 0;
  }
  auto usage = service.user_usage(user_id);
  if (!usage.is_ok()) return failed(usage.status(), err);
  int64_t keys = 0, bytes = 0;
  for (const VersionUsage& row : usage.value()) {
    keys += row.version.count;
    bytes += row.key_bytes;
  }
  std::fprintf(out, "user %s: %zu versions, %" PRId64 " keys, %" PRId64 " bytes of session data\n",
               user_id.c_str(), usage.value().size(), keys, bytes);
  if (usage.value().empty()) return 0;
  std::fprintf(out, "%-8s %-8s %-10s %-8s %-12s %s\n", "version", "deleted", "keys", "etag",
               "bytes", "algorithm");
  for (const VersionUsage& row : usage.value()) {
    const BackupVersion& v = row.version;
    std::fprintf(out, "%-8" PRId64 " %-8s %-10" PRId64 " %-8" PRId64 " %-12" PRId64 " %s\n",
                 v.version, v.deleted ? "yes" : "no", v.count, v.etag, row.key_bytes,
                 v.algorithm.c_str());
  }
  return 0;
}

}  // namespace roomkeys::admin
