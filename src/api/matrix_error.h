// Matrix error answers: {"errcode": "...", "error": "..."} (+ current_version where defined).
// The one place where a neutral Status becomes an HTTP status and a Matrix errcode.
#pragma once

#include <string>
#include <string_view>

#include "api/api_types.h"
#include "common/status.h"

namespace roomkeys {

struct MatrixError {
  int http_status = 500;
  std::string errcode = "M_UNKNOWN";
  std::string message;
  std::string current_version;  // M_WRONG_ROOM_KEYS_VERSION only

  // Errors of the request's form, found before any rule runs.
  static MatrixError not_json(std::string message);       // 400 M_NOT_JSON
  static MatrixError bad_json(std::string message);       // 400 M_BAD_JSON
  static MatrixError missing_param(std::string message);  // 400 M_MISSING_PARAM
};

// A value, or the Matrix error to answer instead.
template <typename T>
using ApiResult = Result<T, MatrixError>;

// kNotFound: 404 M_NOT_FOUND; kInvalidArgument: 400 M_INVALID_PARAM; kFailedPrecondition (an
// upload to a version that is not the current one): 403 M_WRONG_ROOM_KEYS_VERSION with the
// status's detail as current_version; kUnavailable: 503 M_UNKNOWN; anything else: 500 M_UNKNOWN.
MatrixError to_matrix_error(const Status& status);

std::string matrix_error_body(std::string_view errcode, std::string_view message);
void send_error(Responder& responder, const MatrixError& error);
void send_error(Responder& responder, const Status& status);

}  // namespace roomkeys
