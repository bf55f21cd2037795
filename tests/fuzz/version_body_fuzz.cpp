// The body of POST/PUT /room_keys/version: refused with a Matrix error, or an algorithm that is a
// non-empty string and auth_data that is JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/version_body.h"
#include "common/json_validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = roomkeys::parse_version_body(body);
  if (!parsed.is_ok()) {
    const auto& errcode = parsed.error().errcode;
    if (errcode != "M_NOT_JSON" && errcode != "M_BAD_JSON") __builtin_trap();
    return 0;
  }
  if (parsed.value().algorithm.empty()) __builtin_trap();
  if (!roomkeys::is_valid_json(parsed.value().auth_data)) __builtin_trap();
  return 0;
}
