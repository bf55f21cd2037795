// The host's whole request path from raw bytes, as one connection receives them: the bytes,
// cut into reads of a size the input chooses, go through the RequestFramer; every request it
// lets through must be read by Pistache's own parser as exactly that one request (so the two
// can never disagree about where a request ends); its path is then routed against roomkeys'
// routes and its query decoded, as roomkeys-server does.
#include <pistache/http.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "common/percent_decode.h"
#include "fuzz/roomkeys_routes.h"
#include "server/request_framer.h"

namespace {

void check(const roomkeys::server::FramedRequest& request) {
  Pistache::Http::Private::ParserImpl<Pistache::Http::Request> parser(1 << 26);
  const std::string whole = request.head + request.body;
  if (!parser.feed(whole.data(), whole.size())) __builtin_trap();
  try {
    if (parser.parse() != Pistache::Http::Private::State::Done) __builtin_trap();
  } catch (...) {
    __builtin_trap();  // Pistache refused what the framer let through
  }
  if (parser.request.body() != request.body) __builtin_trap();
  std::string path = parser.request.resource();
  roomkeys::fuzz::roomkeys_routes().match(MXM_GET, path);
  const auto& query = parser.request.query();
  for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it) {
    (void)roomkeys::percent_decode(it->first);
    (void)roomkeys::percent_decode(it->second);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  roomkeys::server::FramingLimits limits;
  limits.max_request_line = 512;
  limits.max_header_bytes = 2048;
  limits.max_header_count = 20;
  limits.max_body_bytes = 4096;
  roomkeys::server::RequestFramer framer(limits);
  for (size_t at = 0; at < bytes.size(); at += piece) {
    framer.append(bytes.substr(at, piece));
    while (true) {
      auto next = framer.next();
      if (auto* request = std::get_if<roomkeys::server::FramedRequest>(&next)) {
        check(*request);
        continue;
      }
      if (auto* error = std::get_if<roomkeys::server::FramingError>(&next)) {
        if (error->status < 400 || error->status > 599) __builtin_trap();
        return 0;
      }
      break;
    }
  }
  return 0;
}
