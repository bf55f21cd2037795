// roomkeys-server: a small Pistache host that loads roomkeys.so through the C ABI.
#include <malloc.h>
#include <pistache/endpoint.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "common/stop_signals.h"
#include "server/admin_api.h"
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

  Pistache::Address address(options.listen_host, Pistache::Port(options.listen_port));
  Pistache::Http::Endpoint endpoint(address);
  // Pistache buffers a whole request before the handler sees it; allow a little more than the
  // body limit so that an oversized body is still answered with M_TOO_LARGE.
  const size_t max_request =
      options.max_body_bytes + std::max<size_t>(options.max_body_bytes, 1 << 20);
  endpoint.init(Pistache::Http::Endpoint::options()
                    .threads(options.threads)
                    .flags(Pistache::Tcp::Options::ReuseAddr)
                    .maxRequestSize(max_request));
  const double burst =
      options.rate_burst > 0 ? options.rate_burst : std::max(1.0, 2 * options.rate_limit);
  RateLimiter limiter(options.rate_limit, burst);
  endpoint.setHandler(Pistache::Http::make_handler<HttpHandler>(
      &module, auth.get(), &limiter, &metrics, admin.get(), options.max_body_bytes));
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
