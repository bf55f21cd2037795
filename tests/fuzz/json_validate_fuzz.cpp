// Differential: roomkeys' one-pass JSON validator must agree with nlohmann::json on every input,
// except where BEHAVIOUR differs on purpose (json_validate.h): nothing may follow the value.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/json_validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool ours = roomkeys::is_valid_json(text);
  // nlohmann stops at a NUL byte as at the end of the text; roomkeys refuses anything after the
  // value, so only NUL-free inputs are compared.
  if (text.find('\0') != std::string_view::npos) {
    if (ours) __builtin_trap();  // a NUL is never valid JSON text for roomkeys
    return 0;
  }
  const bool theirs = nlohmann::json::accept(text);
  if (ours != theirs) __builtin_trap();
  return 0;
}
