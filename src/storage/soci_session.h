// A plain SOCI session on a database URL, opened exactly as the repository opens its pooled
// connections (same backend options, same per-connection settings). For tools and tests that
// need raw SQL next to roomkeys; the service itself only ever goes through the Repository.
#pragma once

#include <soci/soci.h>

#include <memory>

#include "storage/database_url.h"

namespace roomkeys {

// Throws soci::soci_error when the database cannot be reached.
// `writer`: configured as the repository's writer connection (SQLite: its larger page cache).
std::unique_ptr<soci::session> open_soci_session(const DatabaseUrl& url, bool writer = false);

}  // namespace roomkeys
