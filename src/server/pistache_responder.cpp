#include "server/pistache_responder.h"

#include <fcntl.h>
#include <pistache/peer.h>
#include <poll.h>

#include <optional>

#include "server/http_reply.h"

using Pistache::Http::Code;

namespace roomkeys::server {
namespace {

constexpr size_t kStreamBufferBytes = size_t{64} * 1024;

// Pistache writes a flushed chunk at once, on this thread, and retries a write that meets a full
// socket in a loop until it goes through: a client reading slowly, or not at all, would cost the
// worker a whole core. While a chunk is flushed the socket blocks instead, so the worker sleeps
// in send(2) until the client makes room; the sweeper's send timeout still ends a client that
// stopped reading (its shutdown(2) wakes the sender).
class BlockingWrites {
 public:
  explicit BlockingWrites(int fd) : fd_(fd), flags_(fcntl(fd, F_GETFL)) {
    if (flags_ >= 0) fcntl(fd_, F_SETFL, flags_ & ~O_NONBLOCK);
  }
  ~BlockingWrites() {
    if (flags_ >= 0) fcntl(fd_, F_SETFL, flags_);
  }
  BlockingWrites(const BlockingWrites&) = delete;
  BlockingWrites& operator=(const BlockingWrites&) = delete;

 private:
  int fd_;
  int flags_;
};

// The connection was ended (by the client, or cut by the sweeper): what is still streamed to
// it would be produced for nothing.
bool ended(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

mxm_status respond(mxm_responder* r, uint16_t status, mxm_str content_type, mxm_str body) {
  if (r == nullptr || r->state != mxm_responder::State::kNone) return MXM_E_WRONG_PHASE;
  r->state = mxm_responder::State::kDone;
  r->status = status;
  add_common_headers(*r->writer, std::string_view(content_type.ptr, content_type.len));
  r->writer->send(static_cast<Code>(status), body.ptr, body.len);
  return MXM_OK;
}

mxm_status respond_begin(mxm_responder* r, uint16_t status, mxm_str content_type) {
  if (r == nullptr || r->state != mxm_responder::State::kNone) return MXM_E_WRONG_PHASE;
  r->state = mxm_responder::State::kStreaming;
  r->status = status;
  add_common_headers(*r->writer, std::string_view(content_type.ptr, content_type.len));
  r->stream.emplace(r->writer->stream(static_cast<Code>(status), kStreamBufferBytes));
  return MXM_OK;
}

mxm_status respond_write(mxm_responder* r, mxm_str chunk) {
  if (r == nullptr || r->state != mxm_responder::State::kStreaming) return MXM_E_WRONG_PHASE;
  const auto peer = r->writer->getPeer();
  if (!peer) return MXM_E_CLOSED;
  if (chunk.len == 0) return MXM_OK;  // an empty chunk would end the chunked body
  r->stream->write(chunk.ptr, static_cast<std::streamsize>(chunk.len));
  {
    BlockingWrites blocking(peer->fd());
    r->stream->flush();
  }
  return ended(peer->fd()) ? MXM_E_CLOSED : MXM_OK;
}

mxm_status respond_end(mxm_responder* r) {
  if (r == nullptr || r->state != mxm_responder::State::kStreaming) return MXM_E_WRONG_PHASE;
  r->state = mxm_responder::State::kDone;
  std::optional<BlockingWrites> blocking;
  if (const auto peer = r->writer->getPeer()) blocking.emplace(peer->fd());
  r->stream->ends();
  return MXM_OK;
}

}  // namespace

mxm_host_api pistache_respond_functions() {
  mxm_host_api api{};
  api.respond = respond;
  api.respond_begin = respond_begin;
  api.respond_write = respond_write;
  api.respond_end = respond_end;
  return api;
}

}  // namespace roomkeys::server
