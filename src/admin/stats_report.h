// roomkeys-admin stats: what is stored, as plain text for an operator's terminal; counts, sizes
// and version metadata, never key material.
#pragma once

#include <cstdio>
#include <string>

#include "core/key_backup_service.h"

namespace roomkeys::admin {

// The totals (empty `user_id`) or one user's versions, written to `out`. 0, or 1 when the
// database fails (the reason on `err`).
int print_stats(KeyBackupService& service, const std::string& user_id, std::FILE* out,
                std::FILE* err);

}  // namespace roomkeys::admin
