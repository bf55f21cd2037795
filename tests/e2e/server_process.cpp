#include "e2e/server_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace roomkeys::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// fork + exec with stdout on a pipe and stderr into a file, `env` (NAME=VALUE) added to the
// environment.
pid_t spawn(const std::vector<std::string>& args, int& stdout_fd, const std::string& stderr_path,
            const std::vector<std::string>& env = {}) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(pipe_fds[1], 1);
    const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err >= 0) dup2(err, 2);
    close(pipe_fds[0]);
    for (const auto& variable : env) putenv(const_cast<char*>(variable.c_str()));
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(ROOMKEYS_SERVER_PATH));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(ROOMKEYS_SERVER_PATH, argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd = pipe_fds[0];
  return pid;
}

// Reads from `fd` until `done(text)` or EOF or the deadline.
void read_until(int fd, std::string& text, std::chrono::seconds timeout,
                bool (*done)(const std::string&)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  while (!done(text)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    text.append(buffer, static_cast<size_t>(n));
  }
}

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string temp_path() {
  char pattern[] = "/tmp/roomkeys-stderr-XXXXXX";
  const int fd = mkstemp(pattern);
  if (fd >= 0) close(fd);
  return pattern;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> args, const std::vector<std::string>& env)
    : stderr_path_(temp_path()) {
  bool has_listen = false;
  for (const auto& a : args) has_listen |= a.rfind("--listen", 0) == 0;
  if (!has_listen) {
    args.emplace_back("--listen");
    args.emplace_back("127.0.0.1:0");
  }
  pid_ = spawn(args, stdout_fd_, stderr_path_, env);
  read_until(stdout_fd_, stdout_, std::chrono::seconds(30), [](const std::string& text) {
    const auto at = text.find("listening on http://");
    return at != std::string::npos && text.find('\n', at) != std::string::npos;
  });
  const auto at = stdout_.find("listening on http://");
  if (at == std::string::npos) {
    stop(SIGKILL);
    throw std::runtime_error("roomkeys-server did not start: " + read_file(stderr_path_));
  }
  base_url_ = stdout_.substr(at + 13, stdout_.find('\n', at) - at - 13);
  port_ = std::stoi(base_url_.substr(base_url_.rfind(':') + 1));
}

std::string ServerProcess::stderr_text() const { return read_file(stderr_path_); }

// A server that ended its run with a failure (died by itself, or a sanitizer's report, which
// exits non-zero), or whose test failed, leaves its log on the test's output: the test alone
// may only see a cut connection or a timeout. stop() reaps one that is already gone with the
// status it ended with.
ServerProcess::~ServerProcess() {
  const int code = stop();
  if (code != 0 || ::testing::Test::HasFailure()) {
    std::cerr << "roomkeys-server ended with status " << code << "; its log:\n"
              << read_file(stderr_path_) << std::endl;
  }
  unlink(stderr_path_.c_str());
}

double ServerProcess::cpu_seconds() const {
  const std::string stat = read_file("/proc/" + std::to_string(pid_) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "PID (comm) "
  std::string field;
  long long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stoll(field);  // utime, stime
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return 0;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  close(stdout_fd_);
  return exit_code(status);
}

RunResult run_server(const std::vector<std::string>& args, int timeout_seconds) {
  const std::string stderr_path = temp_path();
  int stdout_fd = -1;
  const pid_t pid = spawn(args, stdout_fd, stderr_path);
  RunResult result{0, "", ""};
  read_until(stdout_fd, result.out, std::chrono::seconds(timeout_seconds),
             [](const std::string&) { return false; });
  close(stdout_fd);
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  result.exit_code = exit_code(status);
  result.err = read_file(stderr_path);
  unlink(stderr_path.c_str());
  return result;
}

}  // namespace roomkeys::testing
