#include "core/matrix_error.h"

#include <nlohmann/json.hpp>

namespace roomkeys {
namespace {

struct MatrixError {
  int http_status;
  const char* errcode;
};

MatrixError to_matrix(Status::Code code) {
  using Code = Status::Code;
  switch (code) {
    case Code::kNotFound:
    case Code::kKeyNotFound:
      return {404, "M_NOT_FOUND"};
    case Code::kWrongVersion:
      return {403, "M_WRONG_ROOM_KEYS_VERSION"};
    case Code::kInvalidArgument:
      return {400, "M_INVALID_PARAM"};
    case Code::kMissingArgument:
      return {400, "M_MISSING_PARAM"};
    case Code::kBadJson:
      return {400, "M_BAD_JSON"};
    case Code::kNotJson:
      return {400, "M_NOT_JSON"};
    case Code::kUnavailable:
      return {503, "M_UNKNOWN"};
    case Code::kOk:
    case Code::kInternal:
      break;
  }
  return {500, "M_UNKNOWN"};
}

}  // namespace

std::string matrix_error_body(std::string_view errcode, std::string_view message) {
  return nlohmann::json{{"errcode", errcode}, {"error", message}}.dump();
}

void send_error(Responder& responder, const Status& status) {
  const MatrixError e = to_matrix(status.code());
  nlohmann::json body{{"errcode", e.errcode}, {"error", status.message()}};
  if (status.code() == Status::Code::kWrongVersion) {
    body["current_version"] = status.current_version();
  }
  responder.send(e.http_status,
                 body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace roomkeys
