// Status and StatusOr<T>: the error type of every kmslab layer (no exceptions).
//
// A Status is OK or carries a generic Code, a message and, once a service edge
// (kms/, ddb/) has named it, the AWS error type (`__type`) the client sees.
// OK costs one null pointer. Values are immutable and safe to share across
// threads once built.
#ifndef KMSLAB_CORE_STATUS_H_
#define KMSLAB_CORE_STATUS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kmslab::core {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed
  kNotFound,            // the thing named does not exist
  kAlreadyExists,       // creating something that is there
  kFailedPrecondition,  // the thing is in the wrong state
  kPermissionDenied,    // authorization said no
  kUnauthenticated,     // who the caller is could not be established
  kResourceExhausted,   // a limit or quota
  kDataLoss,            // stored or sent bytes fail an integrity check
  kInternal,            // a bug or an unexpected library failure
  kUnavailable,         // a dependency cannot be reached now
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, std::string aws_type = "");

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  // Empty for OK.
  const std::string& message() const;
  // The AWS error type (`__type`), empty until an edge names it.
  const std::string& aws_type() const;
  // Further members of the error's JSON body, as a JSON object's text (DynamoDB's
  // ConditionalCheckFailedException carries the old item as "Item"); empty for none.
  const std::string& detail_json() const;
  // This error with `object_json` (a JSON object's text) as its further members.
  Status WithDetail(std::string object_json) const;

  // "CODE: message" for logs and test failures.
  std::string ToString() const;

 private:
  struct State {
    Code code;
    std::string message;
    std::string aws_type;
    std::string detail_json;
  };
  std::shared_ptr<const State> state_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status FailedPrecondition(std::string message);
Status Internal(std::string message);
Status DataLoss(std::string message);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  StatusOr(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
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

}  // namespace kmslab::core

#define KMSLAB_CONCAT_INNER(a, b) a##b
#define KMSLAB_CONCAT(a, b) KMSLAB_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                               \
  do {                                                      \
    ::kmslab::core::Status kmslab_status_ = (expr);         \
    if (!kmslab_status_.ok()) return kmslab_status_;        \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(KMSLAB_CONCAT(kmslab_or_, __LINE__), lhs, expr)

#endif  // KMSLAB_CORE_STATUS_H_
