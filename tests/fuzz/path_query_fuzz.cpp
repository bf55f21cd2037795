// Paths and queries as roomkeys-server decodes them, from any bytes (the request-path harness
// only reaches what the framer lets through): route matching with percent-decoding of each
// captured segment, and the query's keys and values. Whatever decodes is valid UTF-8; a captured
// segment decodes exactly as percent_decode decodes it alone.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/percent_decode.h"
#include "common/utf8.h"
#include "fuzz/roomkeys_routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t question = input.find('?');
  const std::string path = input.substr(0, question);
  const auto match = roomkeys::fuzz::roomkeys_routes().match(MXM_PUT, path);
  if (match.kind == roomkeys::server::RouteMatch::Kind::kFound) {
    for (const auto& [name, value] : match.params) {
      if (!roomkeys::is_valid_utf8(value)) __builtin_trap();
    }
  }
  if (question == std::string::npos) return 0;
  std::string query = input.substr(question + 1);
  size_t start = 0;
  while (start <= query.size()) {
    const size_t end = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    for (const std::string& part :
         {pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1)}) {
      auto decoded = roomkeys::percent_decode(part);
      if (decoded && !roomkeys::is_valid_utf8(*decoded)) __builtin_trap();
    }
    start = end + 1;
  }
  return 0;
}
