#include "api/version_body.h"

#include <nlohmann/json.hpp>

#include "api/json_spans.h"
#include "common/json_validate.h"

namespace roomkeys {

ApiResult<VersionBody> parse_version_body(std::string_view body) {
  if (!is_valid_json(body) || json_kind(body) != JsonKind::kObject) {
    return MatrixError::not_json("The request body is not a JSON object.");
  }
  VersionBody parsed;
  std::optional<std::string_view> algorithm, auth_data, version;
  for_each_member(body, [&](const std::string& name, std::string_view value) {
    if (name == "algorithm") algorithm = value;
    if (name == "auth_data") auth_data = value;
    if (name == "version") version = value;
    return true;
  });
  auto as_string = [](std::string_view literal) {
    return nlohmann::json::parse(literal).get<std::string>();
  };
  if (!algorithm || json_kind(*algorithm) != JsonKind::kString || as_string(*algorithm).empty()) {
    return MatrixError::bad_json("algorithm must be a non-empty string.");
  }
  if (!auth_data || json_kind(*auth_data) == JsonKind::kNull) {
    return MatrixError::bad_json("auth_data is required and must not be null.");
  }
  parsed.algorithm = as_string(*algorithm);
  parsed.auth_data.assign(auth_data->data(), auth_data->size());
  if (version) {
    if (json_kind(*version) != JsonKind::kString) {
      return MatrixError::bad_json("version must be a string.");
    }
    parsed.version = as_string(*version);
  }
  return parsed;
}

}  // namespace roomkeys
