// Status and StatusOr: the error model of every vkdelegate module.
//
// No exceptions cross module boundaries. A failing function returns a Status
// whose message says what is wrong and where; callers add context on the way
// up ("node 17 CONV_2D: input 2 'conv1/w': int16 unsupported") with
// Status::WithContext or VKD_RETURN_IF_ERROR_CTX. Only the TFLite glue maps a
// Status to TfLiteStatus plus a log line.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vkd {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller passed something wrong (bad flag, bad shape)
  kNotFound,           // a file, tensor or device that is not there
  kUnimplemented,      // valid input that vkdelegate does not support (op, dtype)
  kDataLoss,           // a malformed or truncated model file
  kOutOfRange,         // an index past the end of a table
  kResourceExhausted,  // out of host or device memory
  kUnavailable,        // no Vulkan driver, no device
  kInternal,           // a bug or an unexpected driver answer
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>"; an ok status stays ok.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

  // "INVALID_ARGUMENT: message", for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status UnimplementedError(std::string m) {
  return {StatusCode::kUnimplemented, std::move(m)};
}
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status OutOfRangeError(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT
  StatusOr(T value) : v_(std::move(value)) {}                                              // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace vkd

#define VKD_CONCAT_INNER_(a, b) a##b
#define VKD_CONCAT_(a, b) VKD_CONCAT_INNER_(a, b)

#define VKD_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::vkd::Status vkd_status_ = (expr);        \
    if (!vkd_status_.ok()) return vkd_status_; \
  } while (0)

// Like VKD_RETURN_IF_ERROR, prefixing the message with `ctx` (a std::string).
#define VKD_RETURN_IF_ERROR_CTX(expr, ctx)                      \
  do {                                                          \
    ::vkd::Status vkd_status_ = (expr);                         \
    if (!vkd_status_.ok()) return vkd_status_.WithContext(ctx); \
  } while (0)

#define VKD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define VKD_ASSIGN_OR_RETURN(lhs, expr) \
  VKD_ASSIGN_OR_RETURN_IMPL_(VKD_CONCAT_(vkd_statusor_, __LINE__), lhs, expr)

// Returns InvalidArgument with `msg` when `cond` is false. For checks of
// model-supplied data; internal invariants use assert.
#define VKD_CHECK_ARG(cond, msg)                          \
  do {                                                    \
    if (!(cond)) return ::vkd::InvalidArgumentError(msg); \
  } while (0)
