// The database a repository opens, from its URL:
//   sqlite:PATH                      a file, created if missing (also sqlite://PATH)
//   mysql://USER:PASSWORD@HOST:PORT/DATABASE[?socket=PATH]
//                                    MariaDB or MySQL (also mariadb://); user and password are
//                                    percent-decoded; with socket=, HOST and PORT are ignored
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace roomkeys {

struct DatabaseUrl {
  enum class Backend { kSqlite, kMysql };
  Backend backend = Backend::kSqlite;
  std::string path;  // kSqlite: the database file
  // kMysql:
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  std::string socket;
  // Where the database is, for messages; never the password.
  std::string describe() const;
};

// kInvalidArgument with a message fit for an operator when the URL is malformed.
Result<DatabaseUrl> parse_database_url(std::string_view url);

// HOST[:PORT] or [IPV6][:PORT] of a URL's authority, brackets removed; nullopt for an unclosed '['.
struct HostPort {
  std::string_view host, port;
};
std::optional<HostPort> split_host_port(std::string_view authority);

}  // namespace roomkeys
