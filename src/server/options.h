// roomkeys-server's command line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roomkeys::server {

struct Options {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8008;
  std::string database = "sqlite:roomkeys.db";
  std::map<std::string, std::string> tokens;  // access token -> user id
  std::vector<std::string> tokens_files;
  std::string module_path;  // empty: beside the binary
  size_t max_body_bytes = 16 * 1024 * 1024;
  // HTTP connections (BEHAVIOUR.md "HTTP connections").
  size_t max_connections = 4096;
  size_t max_request_line = 8 * 1024;
  size_t max_header_bytes = 16 * 1024;
  size_t max_headers = 100;
  double header_timeout = 10;  // seconds
  double body_timeout = 10;
  double idle_timeout = 30;
  double send_timeout = 30;
  int threads = 4;
  size_t pool_size = 0;            // 0: as many connections as threads
  std::string sqlite_cache_mb;     // empty: the module's default
  std::string sqlite_mmap_mb;      // empty: the module's default
  std::string allowed_algorithms;  // comma-separated; empty accepts any
  double rate_limit = 0;           // requests per second per user; 0: no limit
  double rate_burst = 0;           // 0: twice the rate (at least 1)
  // Delegated authentication (a companion of a homeserver); exclusive with tokens.
  std::string homeserver;           // base URL; empty: the tokens above authenticate
  std::string homeserver_ca;        // PEM file; empty: the system's trust store
  double homeserver_timeout = 5;    // seconds a whoami call may take
  int64_t auth_cache_seconds = 60;  // 0: ask the homeserver every time
  size_t auth_cache_entries = 100000;
  size_t auth_max_concurrent = 16;  // whoami calls in flight at once
  double auth_max_rate = 100;       // whoami calls per second (burst twice as many); 0: none
  std::string admin_tokens_file;    // empty: no admin API
  std::string metrics_listen;       // HOST:PORT; empty: no /metrics
  std::string log_level = "info";
  bool help = false;
  bool version = false;
};

// Either options, or an error message for the user (exit code 2).
struct ParsedOptions {
  std::optional<Options> options;
  std::string error;
};

// Command-line flags, after the settings of --config FILE when one is given (flags win; repeated
// settings such as token add up).
ParsedOptions parse_options(int argc, char** argv);

std::string usage_text();

}  // namespace roomkeys::server
