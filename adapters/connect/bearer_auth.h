// The token check of Connect and gRPC-Web requests. The handler runs it before anything of the
// request's body is read, so that an unauthenticated request gets UNAUTHENTICATED whatever else
// is wrong with it, and costs the bridge no parsing. (The HTTP session has already read the
// body, bounded, so the connection stays framed for the next request.)
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "adapters/jsonrpc/http_handler.h"

namespace pipebridge::connect {

// OK when the request carries `Authorization: Bearer <token>` (the scheme case-insensitive).
// UNAUTHENTICATED otherwise, saying whether the header is missing, of another scheme, or
// carries another token; the message never repeats a token.
absl::Status CheckBearerToken(const jsonrpc::HttpRequest& request, std::string_view token);

}  // namespace pipebridge::connect
