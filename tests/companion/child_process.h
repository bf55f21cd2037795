// A program of the machine (nginx, caddy) run as a child for one test: started with its own
// environment additions, stderr to a file, and stopped (SIGTERM, then SIGKILL) at the end.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace roomkeys::testing {

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits until 127.0.0.1:port accepts connections; false if the child died or time ran out.
  bool wait_for_port(int port, int timeout_ms = 15000) const;

 private:
  pid_t pid_ = -1;
};

// A port that was free a moment ago (bound to 0, then closed).
int free_port();

// The text of a file ("" when it cannot be read).
std::string read_text(const std::string& path);

}  // namespace roomkeys::testing
