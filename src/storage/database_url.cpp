#include "storage/database_url.h"

#include <charconv>

#include "common/percent_decode.h"

namespace roomkeys {
namespace {

Status invalid(const std::string& message) {
  return Status::error(Status::Code::kInvalidArgument, message);
}

bool consume_prefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

Result<DatabaseUrl> parse_sqlite(std::string_view rest) {
  consume_prefix(rest, "//");
  if (rest.empty()) return invalid("sqlite: URL without a file path");
  DatabaseUrl url;
  url.path = std::string(rest);
  return url;
}

Result<DatabaseUrl> parse_mysql(std::string_view rest) {
  DatabaseUrl url;
  url.backend = DatabaseUrl::Backend::kMysql;
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return invalid("mysql URL without a database name (mysql://USER:PASSWORD@HOST:PORT/DATABASE)");
  }
  auto database = percent_decode(rest.substr(slash + 1));
  if (!database) return invalid("mysql URL: malformed database name");
  url.database = *database;
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password =
        percent_decode(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
    if (!user || !password) return invalid("mysql URL: malformed percent-encoding in user info");
    url.user = *user;
    url.password = *password;
  }
  const auto host_port = split_host_port(authority);
  if (!host_port) return invalid("mysql URL: unclosed '[' in host");
  url.host = std::string(host_port->host);
  const std::string_view port = host_port->port;
  if (!port.empty()) {
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), url.port);
    if (error != std::errc() || end != port.data() + port.size() || url.port <= 0 ||
        url.port > 65535) {
      return invalid("mysql URL: bad port");
    }
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (key == "socket" && value && !value->empty()) {
      url.socket = *value;
    } else if (!pair.empty()) {
      return invalid("mysql URL: unknown parameter '" + std::string(key) + "'");
    }
  }
  if (url.user.empty()) return invalid("mysql URL without a user name");
  return url;
}

}  // namespace

std::string DatabaseUrl::describe() const {
  if (backend == Backend::kSqlite) return "sqlite:" + path;
  const std::string where = socket.empty() ? host + ":" + std::to_string(port) : socket;
  return "mysql://" + user + "@" + where + "/" + database;
}

Result<DatabaseUrl> parse_database_url(std::string_view url) {
  std::string_view rest = url;
  if (consume_prefix(rest, "sqlite:")) return parse_sqlite(rest);
  if (consume_prefix(rest, "mysql://") || consume_prefix(rest, "mariadb://")) {
    return parse_mysql(rest);
  }
  return invalid("unsupported database URL (expected sqlite:PATH or mysql://...)");
}

std::optional<HostPort> split_host_port(std::string_view authority) {
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:PORT
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = authority.substr(close + 1);
    return HostPort{authority.substr(1, close - 1),
                    rest.empty() || rest[0] != ':' ? std::string_view() : rest.substr(1)};
  }
  const auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) return HostPort{authority, {}};
  return HostPort{authority.substr(0, colon), authority.substr(colon + 1)};
}

}  // namespace roomkeys
