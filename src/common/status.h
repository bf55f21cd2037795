// Errors as values, as LevelDB and Abseil do: every layer may return them, none of them speaks
// HTTP or Matrix. The one mapping to Matrix errcodes lives at the edge (api/matrix_error.h).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace roomkeys {

class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,            // the thing named does not exist (or is deleted)
    kInvalidArgument,     // a value is malformed or not allowed
    kFailedPrecondition,  // valid, but the state does not allow it (detail() may say why)
    kUnavailable,         // a resource (the database) cannot be reached right now
    kInternal,
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status error(Code code, std::string message, std::string detail = "") {
    return Status(code, std::move(message), std::move(detail));
  }

  bool is_ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // A machine-readable detail where the code's caller documents one, e.g. the id of the current
  // backup version for a kFailedPrecondition of an upload.
  const std::string& detail() const { return detail_; }

 private:
  Status(Code code, std::string message, std::string detail)
      : code_(code), message_(std::move(message)), detail_(std::move(detail)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string detail_;
};

// A value or the error that explains why there is none (a Status unless E says otherwise).
template <typename T, typename E = Status>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  const E& error() const { return std::get<E>(state_); }
  const E& status() const { return error(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }

 private:
  std::variant<T, E> state_;
};

}  // namespace roomkeys
