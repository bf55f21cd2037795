// The body of POST and PUT /room_keys/version, read and checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/matrix_error.h"

namespace roomkeys {

struct VersionBody {
  std::string algorithm;
  std::string auth_data;               // verbatim JSON text
  std::optional<std::string> version;  // PUT only, optional
};

// M_NOT_JSON unless a JSON object; M_BAD_JSON unless algorithm is a non-empty string, auth_data
// is present and not null, and version (when present) is a string.
ApiResult<VersionBody> parse_version_body(std::string_view body);

}  // namespace roomkeys
