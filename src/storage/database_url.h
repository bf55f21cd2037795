// The database a repository opens, from its URL: "sqlite:PATH" (a file, created if missing).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace roomkeys {

struct DatabaseUrl {
  enum class Backend { kSqlite };
  Backend backend = Backend::kSqlite;
  std::string path;  // kSqlite: the database file
};

// kInvalidArgument with a message fit for an operator when the URL is malformed.
Result<DatabaseUrl> parse_database_url(std::string_view url);

}  // namespace roomkeys
