// The three key-upload body shapes: any input is either refused with a Matrix error or read into
// keys whose session data is JSON; the whole body was JSON whenever anything was accepted.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/key_upload_parser.h"
#include "common/json_validate.h"

namespace {

template <typename Result>
void check(const Result& result, std::string_view body) {
  if (!result.is_ok()) {
    const auto& errcode = result.error().errcode;
    if (errcode != "M_NOT_JSON" && errcode != "M_BAD_JSON") __builtin_trap();
    return;
  }
  if (!nlohmann::json::accept(body)) __builtin_trap();
  for (const auto& key : result.value()) {
    if (!roomkeys::is_valid_json(key.session_data)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  check(roomkeys::parse_all_rooms_upload(body), body);
  check(roomkeys::parse_room_upload(body, "!room:example.org"), body);
  check(roomkeys::parse_session_upload(body, "!room:example.org", "session"), body);
  return 0;
}
