// CORS for browser clients of Connect and gRPC-Web: preflight answers and the headers an
// allowed Origin needs to read a response. Which origins are allowed is origin_policy's
// decision (the same allowlist as the WebSocket upgrade); this file only writes headers.
#pragma once

#include <string_view>

#include "adapters/jsonrpc/http_handler.h"

namespace pipebridge::connect {

// Request headers a Connect or gRPC-Web client may send (answered to every preflight).
inline constexpr char kCorsAllowedHeaders[] =
    "Content-Type, Authorization, Content-Encoding, Connect-Protocol-Version, "
    "Connect-Timeout-Ms, Connect-Content-Encoding, Connect-Accept-Encoding, Grpc-Timeout, "
    "Grpc-Encoding, Grpc-Accept-Encoding, X-Grpc-Web, X-User-Agent";
// Response headers a browser client must be able to read: the gRPC-Web status (trailers-only
// responses carry it in headers) and Connect's.
inline constexpr char kCorsExposedHeaders[] =
    "Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin, Grpc-Encoding, Grpc-Accept-Encoding, "
    "Content-Encoding, Accept-Encoding, Connect-Content-Encoding, Connect-Accept-Encoding, "
    "Connect-Protocol-Version";

// Adds Access-Control-Allow-Origin (`origin`), Vary and Access-Control-Expose-Headers to a
// response to a request that carried an allowed Origin. Nothing when `origin` is empty.
void AddCorsHeaders(std::string_view origin, jsonrpc::HttpResponse* response);

// 204 to a preflight (OPTIONS) from an allowed `origin`: GET and POST with the headers above, cached
// by the browser for two hours.
jsonrpc::HttpResponse PreflightResponse(std::string_view origin, int version);

}  // namespace pipebridge::connect
