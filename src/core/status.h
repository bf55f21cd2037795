// Errors as values, from storage through the service to the handlers (as LevelDB and Abseil do).
// Only the handlers turn a Status into a Matrix errcode and HTTP status.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace roomkeys {

class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,         // unknown or deleted backup version
    kKeyNotFound,      // the version exists, the (room, session) does not
    kWrongVersion,     // an upload to a version that is not the current one
    kInvalidArgument,  // a parameter is malformed or not allowed
    kMissingArgument,  // a required query parameter is absent
    kBadJson,          // the body is JSON but not of the required shape
    kNotJson,          // the body is not JSON (or not an object)
    kUnavailable,      // the database cannot be reached right now
    kInternal,
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status error(Code code, std::string message) { return Status(code, std::move(message)); }
  static Status wrong_version(std::string current_version) {
    Status s(Code::kWrongVersion, "Wrong backup version.");
    s.current_version_ = std::move(current_version);
    return s;
  }

  bool is_ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Set only for kWrongVersion: the id of the user's current backup.
  const std::string& current_version() const { return current_version_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string current_version_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}  // NOLINT: implicit by design

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const { return std::get<Status>(state_); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace roomkeys
