// The one place where statuses and JSON-RPC errors meet: the JSON-RPC 2.0 protocol codes, the
// gRPC status names, and how an error object is written. Explicit switches, read side by side
// with the JSON-RPC 2.0 specification (section 5.1) and grpc/doc/statuscodes.md.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace pipebridge::jsonrpc {

// Protocol failures: the request never reached a handler. A call that reached its handler and
// failed uses the gRPC status code number instead (0..16), see AppendStatusError.
enum class ProtocolError {
  kParseError = -32700,      // not JSON
  kInvalidRequest = -32600,  // JSON, but not a request object (or a limit was exceeded)
  kMethodNotFound = -32601,  // no such method in the method table
  kInvalidParams = -32602,   // params do not decode into the request message
  kInternalError = -32603,   // the server failed for a reason of its own
};

// The gRPC status a protocol failure corresponds to (error.data.status says it too, so a
// client can map every error to a gRPC status).
absl::StatusCode StatusCodeOf(ProtocolError error);

// "NOT_FOUND", "DEADLINE_EXCEEDED", ...: the canonical gRPC name of `code`.
std::string_view StatusCodeName(absl::StatusCode code);

// Appends `"error":{"code":..,"message":..,"data":{"status":"..","details":[]}}` (no braces
// around it) for a protocol failure.
void AppendProtocolError(ProtocolError error, std::string_view message, std::string* out);

// The same for a call that failed with `status` (not OK): error.code is the gRPC code number.
void AppendStatusError(const absl::Status& status, std::string* out);

}  // namespace pipebridge::jsonrpc
