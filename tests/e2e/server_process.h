// roomkeys-server run as a child process, as a user would run it: flags in, "listening on" out.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace roomkeys::testing {

class ServerProcess {
 public:
  // Starts ROOMKEYS_SERVER_PATH with `args` (plus --listen 127.0.0.1:0 unless given) and waits
  // for its "listening on" line, `env` (NAME=VALUE) added to its environment. Throws
  // std::runtime_error with its stderr if the line does not come.
  explicit ServerProcess(std::vector<std::string> args, const std::vector<std::string>& env = {});
  ~ServerProcess();  // SIGTERM, then wait
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& base_url() const { return base_url_; }  // "http://127.0.0.1:PORT"
  int port() const { return port_; }
  // Sends `signal` and returns the exit status (or 128+signal).
  int stop(int signal = 15);
  // CPU time the server used so far (all its threads), in seconds.
  double cpu_seconds() const;
  const std::string& stdout_text() const { return stdout_; }
  std::string stderr_text() const;  // everything it logged so far

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string base_url_;
  std::string stdout_;
  std::string stderr_path_;
};

// Runs roomkeys-server to completion (for --help, bad flags): exit code, stdout and stderr.
struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};
RunResult run_server(const std::vector<std::string>& args, int timeout_seconds = 20);

}  // namespace roomkeys::testing
