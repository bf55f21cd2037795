// HTTP/1.1 request framing (RFC 9112) in front of Pistache's parser: the bytes of one connection
// in, whole requests out, one at a time and in order (so pipelined requests are all answered), or
// one error after which the connection reads nothing more as requests (no smuggling). Everything
// is bounded: the request line, the header section, the number of headers and the body.
//
// What comes out is canonical: the request line as sent, only the headers the host reads
// (Authorization), an explicit Connection and Content-Length, and the body de-chunked. So
// Pistache never sees a framing it could read differently, a negative or doubled length, or a
// header value whose parsing throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace roomkeys::server {

struct FramingLimits {
  size_t max_request_line = 8 * 1024;        // longer: 414
  size_t max_header_bytes = 16 * 1024;       // the whole head, request line included; more: 431
  size_t max_header_count = 100;             // more: 431
  size_t max_body_bytes = 16 * 1024 * 1024;  // announced or received beyond: 413
};

struct FramedRequest {
  std::string head;  // canonical request line and headers, ending in an empty line
  std::string body;
  bool keep_alive = true;
};

// What the connection gets instead of a request; it is then closed.
struct FramingError {
  int status = 400;
  const char* errcode = "M_UNKNOWN";
  const char* message = "";
};

class RequestFramer {
 public:
  enum class Phase {
    kIdle,    // nothing of a next request buffered
    kHead,    // part of a request line or header section
    kBody,    // the head is complete, the body is not
    kFailed,  // an error was returned; everything after is ignored
  };
  using Next = std::variant<std::monostate, FramedRequest, FramingError>;

  explicit RequestFramer(FramingLimits limits) : limits_(limits) {}

  // Buffers bytes read from the connection (ignored once failed).
  void append(std::string_view bytes);

  // The next whole request, or the error that ends the connection, or nothing yet.
  Next next();

  Phase phase() const { return phase_; }
  // Bytes of the body still expected (for chunked bodies: 0 until the last chunk is known).
  uint64_t body_remaining() const { return body_mode_ == BodyMode::kLength ? body_left_ : 0; }

  // True once for a request whose head asked "Expect: 100-continue" and whose body is wanted.
  bool take_continue() {
    const bool wanted = continue_wanted_;
    continue_wanted_ = false;
    return wanted;
  }

 private:
  enum class BodyMode { kNone, kLength, kChunkSize, kChunkData, kChunkDataEnd, kTrailers };

  Next fail(int status, const char* errcode, const char* message);
  Next read_head();
  Next read_body();
  Next finish_request();
  std::string_view unread() const { return std::string_view(buffer_).substr(consumed_); }
  // A whole line (without CRLF) from the unread bytes, or nullopt-like false if not yet complete.
  bool take_line(std::string_view& line, size_t max_length, bool& too_long, bool& bare_lf);

  FramingLimits limits_;
  Phase phase_ = Phase::kIdle;
  std::string buffer_;
  size_t consumed_ = 0;
  size_t head_scan_ = 0;  // how far the unread bytes were searched for the end of the head

  FramedRequest current_;
  BodyMode body_mode_ = BodyMode::kNone;
  uint64_t body_left_ = 0;  // of a Content-Length body or of the current chunk
  size_t trailer_bytes_ = 0;
  bool continue_wanted_ = false;
};

}  // namespace roomkeys::server
