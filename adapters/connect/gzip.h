// gzip (RFC 1952) over zlib, for compressed Connect and gRPC-Web messages. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pipebridge::connect {

// The gzip encoding of `data`.
std::string Gzip(std::string_view data);

// The bytes `compressed` inflates to (one gzip member or several concatenated), inflating no
// more than `max_bytes`: a body that would inflate past it is RESOURCE_EXHAUSTED after at
// most `max_bytes` of work, never inflated whole (a zip bomb costs the server nothing).
// INVALID_ARGUMENT for data that is not gzip, corrupt, truncated or followed by other bytes.
// `what` names the data in messages ("the request message").
absl::StatusOr<std::string> Gunzip(std::string_view compressed, size_t max_bytes,
                                   std::string_view what);

}  // namespace pipebridge::connect
