#include "server/options.h"

#include <charconv>
#include <cstdlib>

#include "common/config_file.h"

namespace roomkeys::server {
namespace {

template <typename T>
bool parse_number(const std::string& text, T& out, T min, T max) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

bool parse_decimal(const std::string& text, double& out) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value >= 0) || value > 1e6) return false;
  out = value;
  return true;
}

// A timeout: 0.1 s to a day.
bool parse_seconds(const std::string& text, double& out) {
  double value = 0;
  if (!parse_decimal(text, value) || value < 0.1 || value > 86400) return false;
  out = value;
  return true;
}

// "HOST:PORT" or "[IPv6]:PORT".
bool parse_listen(const std::string& text, Options& options) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  uint16_t port = 0;
  if (!parse_number<uint16_t>(text.substr(colon + 1), port, 0, 65535)) return false;
  options.listen_host = host;
  options.listen_port = port;
  return true;
}

// Parses flags (without the program name); --config is already resolved.
ParsedOptions parse_args(const std::vector<std::string>& args) {
  Options options;
  ParsedOptions result;
  const int argc = static_cast<int>(args.size());
  for (int i = 0; i < argc; ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline_value = false;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      options.help = true;
      continue;
    }
    if (flag == "--version") {
      options.version = true;
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= argc) {
        result.error = flag + " needs a value";
        return result;
      }
      value = args[++i];
    }
    bool ok = true;
    if (flag == "--listen") {
      ok = parse_listen(value, options);
    } else if (flag == "--database") {
      options.database = value;
      ok = !value.empty();
    } else if (flag == "--token") {
      const auto eq = value.find('=');
      ok = eq != std::string::npos && eq > 0 && eq + 1 < value.size();
      if (ok) options.tokens[value.substr(0, eq)] = value.substr(eq + 1);
    } else if (flag == "--tokens-file") {
      options.tokens_files.push_back(value);
    } else if (flag == "--module") {
      options.module_path = value;
    } else if (flag == "--max-body-bytes") {
      ok = parse_number<size_t>(value, options.max_body_bytes, 1, size_t{1} << 32);
    } else if (flag == "--max-connections") {
      ok = parse_number<size_t>(value, options.max_connections, 1, 1000000);
    } else if (flag == "--max-request-line") {
      ok = parse_number<size_t>(value, options.max_request_line, 256, 1 << 20);
    } else if (flag == "--max-header-bytes") {
      ok = parse_number<size_t>(value, options.max_header_bytes, 1024, 1 << 24);
    } else if (flag == "--max-headers") {
      ok = parse_number<size_t>(value, options.max_headers, 8, 100000);
    } else if (flag == "--header-timeout") {
      ok = parse_seconds(value, options.header_timeout);
    } else if (flag == "--body-timeout") {
      ok = parse_seconds(value, options.body_timeout);
    } else if (flag == "--idle-timeout") {
      ok = parse_seconds(value, options.idle_timeout);
    } else if (flag == "--send-timeout") {
      ok = parse_seconds(value, options.send_timeout);
    } else if (flag == "--threads") {
      ok = parse_number<int>(value, options.threads, 1, 256);
    } else if (flag == "--pool-size") {
      ok = parse_number<size_t>(value, options.pool_size, 1, 1024);
    } else if (flag == "--sqlite-cache-mb") {
      size_t mb = 0;
      ok = parse_number<size_t>(value, mb, 1, 65536);
      options.sqlite_cache_mb = value;
    } else if (flag == "--sqlite-mmap-mb") {
      size_t mb = 0;
      ok = parse_number<size_t>(value, mb, 0, size_t{1} << 20);
      options.sqlite_mmap_mb = value;
    } else if (flag == "--allowed-algorithms") {
      options.allowed_algorithms = value;
    } else if (flag == "--rate-limit") {
      ok = parse_decimal(value, options.rate_limit);
    } else if (flag == "--rate-burst") {
      ok = parse_decimal(value, options.rate_burst);
    } else if (flag == "--homeserver") {
      options.homeserver = value;
      ok = value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0;
    } else if (flag == "--homeserver-ca") {
      options.homeserver_ca = value;
    } else if (flag == "--homeserver-timeout") {
      ok = parse_decimal(value, options.homeserver_timeout) && options.homeserver_timeout >= 0.1 &&
           options.homeserver_timeout <= 60;
    } else if (flag == "--auth-cache-seconds") {
      ok = parse_number<int64_t>(value, options.auth_cache_seconds, 0, 86400);
    } else if (flag == "--auth-cache-entries") {
      ok = parse_number<size_t>(value, options.auth_cache_entries, 1, 100000000);
    } else if (flag == "--auth-max-concurrent") {
      ok = parse_number<size_t>(value, options.auth_max_concurrent, 1, 1024);
    } else if (flag == "--auth-max-rate") {
      ok = parse_decimal(value, options.auth_max_rate);
    } else if (flag == "--admin-tokens-file") {
      options.admin_tokens_file = value;
    } else if (flag == "--metrics-listen") {
      options.metrics_listen = value;
      Options probe;
      ok = parse_listen(value, probe);
    } else if (flag == "--log-level") {
      options.log_level = value;
      ok = value == "trace" || value == "debug" || value == "info" || value == "warn" ||
           value == "error";
    } else {
      result.error = "unknown option " + flag;
      return result;
    }
    if (!ok) {
      result.error = "invalid value for " + flag + ": '" + value + "'";
      return result;
    }
  }
  if (!options.homeserver.empty() && (!options.tokens.empty() || !options.tokens_files.empty())) {
    result.error = "--homeserver and --token/--tokens-file exclude each other";
    return result;
  }
  result.options = options;
  return result;
}

}  // namespace

std::string usage_text() {
  return R"(Usage: roomkeys-server [OPTIONS]
Serves the Matrix room-key backup API (/_matrix/client/*/room_keys/*) by loading the roomkeys
module through its C ABI.

  --config FILE             read settings from FILE ("name = value" lines, names as the flags
                            below without "--"); flags given here override it
  --listen HOST:PORT        address to listen on (default 127.0.0.1:8008; port 0 picks a free one)
  --database URL            sqlite:PATH (default sqlite:roomkeys.db)
  --homeserver URL          check access tokens with this homeserver's whoami (http:// or
                            https://): the way to run beside a homeserver
  --homeserver-ca FILE      trust this PEM CA for the homeserver (default: the system's)
  --homeserver-timeout S    seconds a whoami call may take before 503 (default 5)
  --auth-cache-seconds N    keep a homeserver's "yes" for N seconds (default 60; 0: ask every
                            time); a "no" is kept for at most 5 seconds
  --auth-cache-entries N    tokens remembered at most, least recently used go first (100000)
  --auth-max-concurrent N   whoami calls in flight at most (default 16)
  --auth-max-rate N         whoami calls per second at most, bursts of twice that (default 100;
                            0: no limit); requests over either bound get 429
  --token TOKEN=USER_ID     without --homeserver: accept this token for this user (repeatable)
  --tokens-file FILE        one "TOKEN USER_ID" per line ('#' starts a comment)
                            with none of these, a random token for @dev:localhost is printed
  --admin-tokens-file FILE  enable the admin API (/_roomkeys/admin/v1/) for these tokens, one
                            per line; user tokens never open it
  --metrics-listen HOST:PORT  serve Prometheus metrics on http://HOST:PORT/metrics
  --module PATH             the module to load (default: roomkeys.so beside this binary)
  --max-body-bytes N        largest request body accepted (default 16777216)
  --max-connections N       client connections at once; more are answered 503 and closed
                            (default 4096)
  --max-request-line N      longest request line, in bytes; longer: 414 (default 8192)
  --max-header-bytes N      largest request head, in bytes; larger: 431 (default 16384)
  --max-headers N           most header fields in a request; more: 431 (default 100)
  --header-timeout S        seconds for a whole request head, or for a new connection's first
                            byte (default 10)
  --body-timeout S          seconds a request body may pause between two reads (default 10)
  --idle-timeout S          seconds a kept-alive connection may wait for its next request
                            (default 30)
  --send-timeout S          seconds a client may stop reading an answer (default 30)
  --threads N               HTTP worker threads (default 4)
  --pool-size N             database connections (default: as many as threads)
  --sqlite-cache-mb N       SQLite: page cache of the writing connection, which keeps the key
                            index hot for large uploads (default 128)
  --sqlite-mmap-mb N        SQLite: how much of the file is read through a memory map (default
                            2048; 0: off)
  --allowed-algorithms A,B  accept only these backup algorithms (default: any)
  --rate-limit N            per-user limit in requests per second (default 0: none)
  --rate-burst N            requests a user may send at once (default: twice the rate)
  --log-level LEVEL         trace, debug, info, warn, error (default info)
  --help                    print this text
  --version                 print the version
)";
}

ParsedOptions parse_options(int argc, char** argv) {
  // The settings of config files come first, so that command-line flags override them.
  std::vector<std::string> from_files, from_flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg != "--config" && arg.rfind("--config=", 0) != 0) {
      from_flags.push_back(arg);
      continue;
    }
    if (arg == "--config" && i + 1 >= argc) return {std::nullopt, "--config needs a value"};
    const std::string path = arg == "--config" ? argv[++i] : arg.substr(9);
    if (std::string error = read_config_file(path, from_files); !error.empty()) {
      return {std::nullopt, error};
    }
  }
  from_files.insert(from_files.end(), from_flags.begin(), from_flags.end());
  return parse_args(from_files);
}

}  // namespace roomkeys::server
