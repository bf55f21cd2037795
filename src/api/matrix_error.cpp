#include "api/matrix_error.h"

#include <nlohmann/json.hpp>
#include <utility>

namespace roomkeys {
namespace {

MatrixError make(int http_status, const char* errcode, std::string message) {
  MatrixError error;
  error.http_status = http_status;
  error.errcode = errcode;
  error.message = std::move(message);
  return error;
}

}  // namespace

MatrixError MatrixError::not_json(std::string message) {
  return make(400, "M_NOT_JSON", std::move(message));
}
MatrixError MatrixError::bad_json(std::string message) {
  return make(400, "M_BAD_JSON", std::move(message));
}
MatrixError MatrixError::missing_param(std::string message) {
  return make(400, "M_MISSING_PARAM", std::move(message));
}

MatrixError to_matrix_error(const Status& status) {
  using Code = Status::Code;
  switch (status.code()) {
    case Code::kNotFound:
      return make(404, "M_NOT_FOUND", status.message());
    case Code::kInvalidArgument:
      return make(400, "M_INVALID_PARAM", status.message());
    case Code::kFailedPrecondition: {
      MatrixError error = make(403, "M_WRONG_ROOM_KEYS_VERSION", status.message());
      error.current_version = status.detail();
      return error;
    }
    case Code::kUnavailable:
      return make(503, "M_UNKNOWN", status.message());
    case Code::kOk:
    case Code::kInternal:
      break;
  }
  return make(500, "M_UNKNOWN", status.message());
}

std::string matrix_error_body(std::string_view errcode, std::string_view message) {
  return nlohmann::json{{"errcode", errcode}, {"error", message}}.dump();
}

void send_error(Responder& responder, const MatrixError& error) {
  nlohmann::json body{{"errcode", error.errcode}, {"error", error.message}};
  if (error.errcode == "M_WRONG_ROOM_KEYS_VERSION") body["current_version"] = error.current_version;
  responder.send(error.http_status,
                 body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void send_error(Responder& responder, const Status& status) {
  send_error(responder, to_matrix_error(status));
}

}  // namespace roomkeys
