#include "adapters/connect/connect_codes.h"

#include "absl/strings/ascii.h"
#include "adapters/jsonrpc/jsonrpc_errors.h"

namespace pipebridge::connect {

std::string ConnectCodeName(absl::StatusCode code) {
  if (code == absl::StatusCode::kCancelled) return "canceled";
  std::string_view name = jsonrpc::StatusCodeName(code);
  return absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
}

int ConnectCodeToHttp(absl::StatusCode code) {
  // Literals, to read side by side with the specification's table.
  switch (code) {
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnknown: return 500;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kInternal: return 500;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDataLoss: return 500;
    case absl::StatusCode::kUnauthenticated: return 401;
    default: return 500;  // as UNKNOWN
  }
}

}  // namespace pipebridge::connect
