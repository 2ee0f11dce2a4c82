#include "core/status.h"

namespace kmslab::core {

namespace {
const std::string& Empty() {
  static const std::string kEmpty;
  return kEmpty;
}

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "INVALID_ARGUMENT";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kAlreadyExists: return "ALREADY_EXISTS";
    case Code::kFailedPrecondition: return "FAILED_PRECONDITION";
    case Code::kPermissionDenied: return "PERMISSION_DENIED";
    case Code::kUnauthenticated: return "UNAUTHENTICATED";
    case Code::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case Code::kDataLoss: return "DATA_LOSS";
    case Code::kInternal: return "INTERNAL";
    case Code::kUnavailable: return "UNAVAILABLE";
  }
  return "UNKNOWN";
}
}  // namespace

Status::Status(Code code, std::string message, std::string aws_type) {
  if (code == Code::kOk) return;
  state_ = std::make_shared<const State>(State{code, std::move(message), std::move(aws_type)});
}

const std::string& Status::message() const { return state_ ? state_->message : Empty(); }
const std::string& Status::aws_type() const { return state_ ? state_->aws_type : Empty(); }
const std::string& Status::detail_json() const { return state_ ? state_->detail_json : Empty(); }

Status Status::WithDetail(std::string object_json) const {
  if (!state_) return *this;
  Status detailed;
  detailed.state_ = std::make_shared<const State>(State{state_->code, state_->message, state_->aws_type,
                                                        std::move(object_json)});
  return detailed;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = CodeName(code());
  if (!aws_type().empty()) out += " (" + aws_type() + ")";
  return out + ": " + message();
}

Status InvalidArgument(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }
Status NotFound(std::string message) { return Status(Code::kNotFound, std::move(message)); }
Status FailedPrecondition(std::string message) {
  return Status(Code::kFailedPrecondition, std::move(message));
}
Status Internal(std::string message) { return Status(Code::kInternal, std::move(message)); }
Status DataLoss(std::string message) { return Status(Code::kDataLoss, std::move(message)); }

}  // namespace kmslab::core
