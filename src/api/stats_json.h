// JSON of what operators may see of the store (the admin API): counts, sizes and version
// metadata, never key material (no session_data, no auth_data).
#pragma once

#include <string>
#include <vector>

#include "core/records.h"

namespace roomkeys {

// {"user_id":..,"versions":[{"version":"1","algorithm":..,"count":N,"etag":"E","deleted":B,
//  "bytes":N},...],"keys":N,"bytes":N}; keys and bytes count versions that are not deleted.
std::string user_stats_json(const std::string& user_id, const std::vector<VersionUsage>& usage);
// {"users":N,"versions":N,"deleted_versions":N,"keys":N,"bytes":N}
std::string totals_json(const StoreTotals& totals);

}  // namespace roomkeys
