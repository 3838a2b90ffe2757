#pragma once
// Status and Result<T>: how every layer below the SOAP edge reports failure.
// A Status is cheap to copy; ok() has no message. Codes are few and mean the same in every layer;
// the SOAP edge maps each code (plus the optional Altinn error id) to a fault exactly once.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace gateway {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller sent something malformed or inconsistent
  kNotFound,            // nothing the caller may see matches (also used to hide others' data)
  kAlreadyExists,       // a uniqueness rule fired (e.g. duplicate reference)
  kUnauthenticated,     // missing or wrong credentials / certificate
  kPermissionDenied,    // authenticated, but not allowed to do this
  kResourceExhausted,   // a configured limit was exceeded
  kUnavailable,         // a dependency (database, disk) is down; retrying may help
  kInternal,            // a bug or an unexpected state
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m, int altinn_id = 0) { return {StatusCode::kInvalidArgument, std::move(m), altinn_id}; }
  static Status NotFound(std::string m, int altinn_id = 0) { return {StatusCode::kNotFound, std::move(m), altinn_id}; }
  static Status AlreadyExists(std::string m, int altinn_id = 0) { return {StatusCode::kAlreadyExists, std::move(m), altinn_id}; }
  static Status Unauthenticated(std::string m, int altinn_id = 989) { return {StatusCode::kUnauthenticated, std::move(m), altinn_id}; }
  static Status PermissionDenied(std::string m, int altinn_id = 5) { return {StatusCode::kPermissionDenied, std::move(m), altinn_id}; }
  static Status ResourceExhausted(std::string m, int altinn_id = 0) { return {StatusCode::kResourceExhausted, std::move(m), altinn_id}; }
  static Status Unavailable(std::string m, int altinn_id = 0) { return {StatusCode::kUnavailable, std::move(m), altinn_id}; }
  static Status Internal(std::string m, int altinn_id = 0) { return {StatusCode::kInternal, std::move(m), altinn_id}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Text safe to show the caller: never contains secrets, personal data or another party's data.
  const std::string& message() const { return message_; }
  // The Altinn ErrorID the fault carries (0 = general error).
  int altinnErrorId() const { return altinn_id_; }

 private:
  Status(StatusCode c, std::string m, int id) : code_(c), message_(std::move(m)), altinn_id_(id) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  int altinn_id_ = 0;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}    // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace gateway
