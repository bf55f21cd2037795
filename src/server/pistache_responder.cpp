#include "server/pistache_responder.h"

#include "server/http_reply.h"

using Pistache::Http::Code;

namespace roomkeys::server {
namespace {

constexpr size_t kStreamBufferBytes = size_t{64} * 1024;

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
  if (!r->writer->getPeer()) return MXM_E_CLOSED;
  if (chunk.len == 0) return MXM_OK;  // an empty chunk would end the chunked body
  r->stream->write(chunk.ptr, static_cast<std::streamsize>(chunk.len));
  r->stream->flush();
  return MXM_OK;
}

mxm_status respond_end(mxm_responder* r) {
  if (r == nullptr || r->state != mxm_responder::State::kStreaming) return MXM_E_WRONG_PHASE;
  r->state = mxm_responder::State::kDone;
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
