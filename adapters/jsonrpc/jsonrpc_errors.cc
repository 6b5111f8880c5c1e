#include "adapters/jsonrpc/jsonrpc_errors.h"

#include "absl/strings/str_cat.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::jsonrpc {

absl::StatusCode StatusCodeOf(ProtocolError error) {
  switch (error) {
    case ProtocolError::kParseError: return absl::StatusCode::kInvalidArgument;
    case ProtocolError::kInvalidRequest: return absl::StatusCode::kInvalidArgument;
    case ProtocolError::kMethodNotFound: return absl::StatusCode::kUnimplemented;
    case ProtocolError::kInvalidParams: return absl::StatusCode::kInvalidArgument;
    case ProtocolError::kInternalError: return absl::StatusCode::kInternal;
  }
  return absl::StatusCode::kInternal;
}

std::string_view StatusCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "OK";
    case absl::StatusCode::kCancelled: return "CANCELLED";
    case absl::StatusCode::kUnknown: return "UNKNOWN";
    case absl::StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound: return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted: return "ABORTED";
    case absl::StatusCode::kOutOfRange: return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case absl::StatusCode::kInternal: return "INTERNAL";
    case absl::StatusCode::kUnavailable: return "UNAVAILABLE";
    case absl::StatusCode::kDataLoss: return "DATA_LOSS";
    case absl::StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

namespace {

void AppendError(int code, std::string_view message, absl::StatusCode status, std::string* out) {
  absl::StrAppend(out, "\"error\":{\"code\":", code, ",\"message\":");
  rpc::AppendJsonString(absl::string_view(message.data(), message.size()), out);
  std::string_view name = StatusCodeName(status);
  out->append(",\"data\":{\"status\":\"");
  out->append(name.data(), name.size());
  out->append("\",\"details\":[]}}");
}

}  // namespace

void AppendProtocolError(ProtocolError error, std::string_view message, std::string* out) {
  AppendError(static_cast<int>(error), message, StatusCodeOf(error), out);
}

void AppendStatusError(const absl::Status& status, std::string* out) {
  absl::string_view message = status.message();
  AppendError(static_cast<int>(status.code()), std::string_view(message.data(), message.size()),
              status.code(), out);
}

}  // namespace pipebridge::jsonrpc
