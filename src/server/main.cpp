// roomkeys-server: a small Pistache host that loads roomkeys.so through the C ABI.
#include <malloc.h>
#include <pistache/endpoint.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "common/stop_signals.h"
#include "server/admin_api.h"
#include "server/connection_handler.h"
#include "server/delegated_auth.h"
#include "server/host_metrics.h"
#include "server/http_handler.h"
#include "server/module_collectable.h"
#include "server/module_host.h"
#include "server/options.h"
#include "server/pistache_responder.h"
#include "server/token_auth.h"

namespace roomkeys::server {
namespace {

// The module beside this binary (build tree), else the installed modules directory.
std::string default_module_path() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    for (const auto& candidate :
         {exe.parent_path() / "roomkeys.so", exe.parent_path() / ROOMKEYS_INSTALLED_MODULE}) {
      if (std::filesystem::exists(candidate)) return candidate.lexically_normal().string();
    }
  }
  return "roomkeys.so";
}

std::map<std::string, std::string> module_config(const Options& options) {
  std::map<std::string, std::string> config{{"database", options.database}};
  config["pool_size"] =
      std::to_string(options.pool_size ? options.pool_size : static_cast<size_t>(options.threads));
  if (!options.sqlite_cache_mb.empty()) config["sqlite_cache_mb"] = options.sqlite_cache_mb;
  if (!options.sqlite_mmap_mb.empty()) config["sqlite_mmap_mb"] = options.sqlite_mmap_mb;
  if (!options.allowed_algorithms.empty()) {
    config["allowed_algorithms"] = options.allowed_algorithms;
  }
  return config;
}

std::string load_tokens(const Options& options, TokenAuth& auth) {
  for (const auto& [token, user_id] : options.tokens) auth.add(token, user_id);
  for (const auto& file : options.tokens_files) {
    if (auto error = auth.load_file(file); !error.empty()) return error;
  }
  if (auth.empty()) {
    const std::string token = random_token();
    auth.add(token, "@dev:localhost");
    std::cout << "access token for @dev:localhost: " << token << std::endl;
  }
  return "";
}

DelegatedAuthSettings delegated_settings(const Options& options) {
  DelegatedAuthSettings settings;
  settings.whoami.homeserver_url = options.homeserver;
  settings.whoami.ca_file = options.homeserver_ca;
  settings.whoami.timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.homeserver_timeout * 1000));
  settings.cache_ttl = std::chrono::seconds(options.auth_cache_seconds);
  settings.cache_entries = options.auth_cache_entries;
  settings.max_in_flight = options.auth_max_concurrent;
  settings.calls_per_second = options.auth_max_rate;
  return settings;
}

// The homeserver's whoami when one is named, else the operator's token list.
std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// Raises the soft limit on open descriptors to the hard one, and keeps the connection cap below
// it (with room for the database, the log and the listeners), so that accept() never fails.
size_t affordable_connections(size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  constexpr rlim_t kReserved = 128;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted + kReserved) return wanted;
  const size_t affordable =
      limit.rlim_cur > 2 * kReserved ? static_cast<size_t>(limit.rlim_cur - kReserved) : 16;
  spdlog::warn("only {} open files allowed: serving at most {} connections, not {}", limit.rlim_cur,
               affordable, wanted);
  return affordable;
}

ConnectionSettings connection_settings(const Options& options) {
  ConnectionSettings settings;
  settings.framing.max_request_line = options.max_request_line;
  settings.framing.max_header_bytes = std::max(options.max_header_bytes, options.max_request_line);
  settings.framing.max_header_count = options.max_headers;
  settings.framing.max_body_bytes = options.max_body_bytes;
  settings.header_timeout = millis(options.header_timeout);
  settings.body_timeout = millis(options.body_timeout);
  settings.idle_timeout = millis(options.idle_timeout);
  settings.send_timeout = millis(options.send_timeout);
  settings.max_connections = affordable_connections(options.max_connections);
  return settings;
}

std::unique_ptr<Authenticator> make_authenticator(const Options& options, HostMetrics& metrics,
                                                  std::string& error) {
  if (!options.homeserver.empty()) {
    spdlog::info("access tokens are checked with {}", options.homeserver);
    return std::make_unique<DelegatedAuth>(delegated_settings(options), metrics);
  }
  auto tokens = std::make_unique<TokenAuth>();
  error = load_tokens(options, *tokens);
  return tokens;
}

int run(const Options& options) {
  HostMetrics metrics;
  std::string error;
  const std::unique_ptr<Authenticator> auth = make_authenticator(options, metrics, error);
  if (!error.empty()) {
    std::cerr << "roomkeys-server: " << error << "\n";
    return 2;
  }

  const sigset_t signals = block_stop_signals();
  signal(SIGPIPE, SIG_IGN);

  ModuleHost module(module_config(options), pistache_respond_functions());
  // /metrics collects from the module: it stops before the module is destroyed, on every return.
  struct StopMetricsFirst {
    HostMetrics& metrics;
    ~StopMetricsFirst() { metrics.stop(); }
  } stop_metrics_first{metrics};
  const std::string module_path =
      options.module_path.empty() ? default_module_path() : options.module_path;
  if (auto error = module.load(module_path); !error.empty()) {
    std::cerr << "roomkeys-server: " << error << "\n";
    return 1;
  }

  std::unique_ptr<AdminApi> admin;
  if (!options.admin_tokens_file.empty()) {
    admin = std::make_unique<AdminApi>(module);
    if (auto problem = admin->load_tokens_file(options.admin_tokens_file); !problem.empty()) {
      std::cerr << "roomkeys-server: " << problem << "\n";
      return 2;
    }
  }
  const auto module_metrics = std::make_shared<ModuleCollectable>(module);
  metrics.add_collectable(module_metrics);
  if (!options.metrics_listen.empty()) {
    if (auto problem = metrics.listen(options.metrics_listen); !problem.empty()) {
      std::cerr << "roomkeys-server: " << problem << "\n";
      return 1;
    }
    const auto ports = metrics.listening_ports();
    std::cout << "metrics on port " << (ports.empty() ? 0 : ports.front()) << std::endl;
  }

  ConnectionRegistry connections(connection_settings(options), &metrics);
  Pistache::Address address(options.listen_host, Pistache::Port(options.listen_port));
  Pistache::Http::Endpoint endpoint(address);
  // Requests reach Pistache's parser whole (the RequestFramer enforces every limit and timeout
  // first), so Pistache's own limits only need room for the largest request, and its timers,
  // which would answer 408 without JSON, are set beyond ours.
  const auto never = std::chrono::hours(24);
  endpoint.init(Pistache::Http::Endpoint::options()
                    .threads(options.threads)
                    .flags(Pistache::Tcp::Options::ReuseAddr)
                    .maxRequestSize(options.max_body_bytes + options.max_header_bytes + 4096)
                    .headerTimeout(never)
                    .bodyTimeout(never)
                    .keepaliveTimeout(never));
  const double burst =
      options.rate_burst > 0 ? options.rate_burst : std::max(1.0, 2 * options.rate_limit);
  RateLimiter limiter(options.rate_limit, burst);
  endpoint.setHandler(std::make_shared<ConnectionHandler>(
      std::make_shared<HttpHandler>(&module, auth.get(), &limiter, &metrics, admin.get()),
      &connections, &metrics));
  try {
    endpoint.serveThreaded();
  } catch (const std::exception& e) {
    std::cerr << "roomkeys-server: cannot listen on " << options.listen_host << ":"
              << options.listen_port << ": " << e.what() << "\n";
    return 1;
  }
  const std::string host = options.listen_host.find(':') != std::string::npos
                               ? "[" + options.listen_host + "]"
                               : options.listen_host;
  std::cout << "listening on http://" << host << ":" << endpoint.getPort() << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: finishing in-flight requests", signal_number);
  connections.stop();   // no connection is cut once Pistache closes them
  endpoint.shutdown();  // joins the workers, so every handler has returned
  module.stop();
  return 0;
}

}  // namespace
}  // namespace roomkeys::server

int main(int argc, char** argv) {
  using namespace roomkeys::server;
  // Streamed responses allocate and free ~128 KiB buffers per chunk. With glibc's defaults the
  // first large response maps and unmaps (or trims) memory for every chunk, page-faulting its
  // way at a seventh of the speed, until the adaptive thresholds catch up. Fixed thresholds keep
  // such buffers on the heap from the first request on, and bound what stays cached there.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  spdlog::set_default_logger(spdlog::stderr_color_mt("roomkeys"));
  const ParsedOptions parsed = parse_options(argc, argv);
  if (!parsed.options) {
    std::cerr << "roomkeys-server: " << parsed.error << "\n\n" << usage_text();
    return 2;
  }
  const Options& options = *parsed.options;
  if (options.help) {
    std::cout << usage_text();
    return 0;
  }
  if (options.version) {
    std::cout << "roomkeys-server " << ROOMKEYS_VERSION << " (module ABI " << MXM_ABI_MAJOR << "."
              << MXM_ABI_MINOR << ")\n";
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  return run(options);
}
