// Where statuses meet Connect's wire: the code names of Connect error bodies and Connect's
// HTTP status table (connectrpc.com/docs/protocol, "Error Codes"). The gRPC names themselves
// stay in adapters/jsonrpc/jsonrpc_errors.cc: Connect's are derived from them.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace pipebridge::connect {

// "not_found", "deadline_exceeded", ... ; "canceled" (Connect's spelling) for CANCELLED.
std::string ConnectCodeName(absl::StatusCode code);

// The HTTP status of a unary Connect error response with `code`.
int ConnectCodeToHttp(absl::StatusCode code);

}  // namespace pipebridge::connect
