#include "e2e/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

namespace roomkeys::testing {
namespace {

// The body of a chunked message starting at `from` in `bytes`, and where it ends; nullopt while
// it is incomplete. Chunk extensions and trailers are skipped.
std::optional<std::pair<std::string, size_t>> dechunk(const std::string& bytes, size_t from) {
  std::string body;
  size_t at = from;
  while (true) {
    const size_t line_end = bytes.find("\r\n", at);
    if (line_end == std::string::npos) return std::nullopt;
    const size_t size = std::stoul(bytes.substr(at, line_end - at), nullptr, 16);
    at = line_end + 2;
    if (size == 0) {
      const size_t trailers_end = bytes.find("\r\n\r\n", line_end);
      if (trailers_end == std::string::npos) return std::nullopt;
      return std::make_pair(body, trailers_end + 4);
    }
    if (bytes.size() < at + size + 2) return std::nullopt;
    body.append(bytes, at, size);
    at += size + 2;
  }
}

}  // namespace

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool RawConnection::read_some(std::chrono::milliseconds wait) {
  if (ended_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return true;
  char chunk[65536];
  const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) {
    ended_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(got));
  return true;
}

std::optional<RawAnswer> RawConnection::answer(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    const size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      RawAnswer answer;
      answer.head = buffer_.substr(0, end);
      answer.status = std::stoi(answer.head.substr(9, 3));
      std::string lower = answer.head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
        // Decoded only once its last chunk may have come (the whole body is read again each time).
        const bool last_may_have_come = buffer_.compare(end + 4, 3, "0\r\n") == 0 ||
                                        buffer_.find("\r\n0\r\n", end + 4) != std::string::npos;
        auto whole = last_may_have_come ? dechunk(buffer_, end + 4) : std::nullopt;
        if (whole) {
          answer.body = std::move(whole->first);
          buffer_.erase(0, whole->second);
          return answer;
        }
      } else {
        size_t length = 0;
        if (const size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
          length = std::stoul(answer.head.substr(at + 17));
        }
        if (buffer_.size() >= end + 4 + length) {
          answer.body = buffer_.substr(end + 4, length);
          buffer_.erase(0, end + 4 + length);
          return answer;
        }
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !read_some(left)) return std::nullopt;
  }
}

bool RawConnection::closed_within(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!ended_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    read_some(left);
  }
  return true;
}

std::string raw_request(std::string_view method, std::string_view path, std::string_view token,
                        std::string_view body, std::string_view extra_headers) {
  std::string request =
      std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
  request += extra_headers;
  if (!body.empty() || method == "PUT" || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return request + "\r\n" + std::string(body);
}

}  // namespace roomkeys::testing
