// A plain TCP connection to roomkeys-server for tests that must control every byte: pipelining,
// framing attacks, slow clients. Answers are read as HTTP/1.1 responses with Content-Length or
// chunked bodies (decoded).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomkeys::testing {

struct RawAnswer {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the server closed or reset the connection.
  bool send(std::string_view bytes);
  // The next answer, or nullopt if none came whole within `wait` (or the connection ended).
  std::optional<RawAnswer> answer(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // True if the server ends the connection (FIN or reset) within `wait`; what it still sends
  // before that is kept for answer().
  bool closed_within(std::chrono::milliseconds wait);

 private:
  // Reads what arrives within `wait`; false on end of connection.
  bool read_some(std::chrono::milliseconds wait);

  int fd_ = -1;
  bool ended_ = false;
  std::string buffer_;
};

// "GET PATH HTTP/1.1" with Host and the bearer token, and an optional body.
std::string raw_request(std::string_view method, std::string_view path, std::string_view token,
                        std::string_view body = "", std::string_view extra_headers = "");

}  // namespace roomkeys::testing
