#include "storage/database_url.h"

namespace roomkeys {

Result<DatabaseUrl> parse_database_url(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite) {
    DatabaseUrl parsed;
    parsed.path = std::string(url.substr(kSqlite.size()));
    if (parsed.path.rfind("//", 0) == 0) parsed.path.erase(0, 2);  // also sqlite://PATH
    if (parsed.path.empty()) {
      return Status::error(Status::Code::kInvalidArgument, "sqlite: URL without a file path");
    }
    return parsed;
  }
  return Status::error(Status::Code::kInvalidArgument,
                       "unsupported database URL (expected sqlite:PATH)");
}

}  // namespace roomkeys
