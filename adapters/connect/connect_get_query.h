// The query of a Connect unary GET request (connectrpc.com/docs/protocol, Unary-Get-Request):
// message=, encoding=, base64=1, compression=, connect=v1, in any order, unknown parameters
// ignored. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pipebridge::connect {

struct ConnectGetQuery {
  std::string message;      // percent-decoded, and base64url-decoded when base64=1
  std::string encoding;     // "json", "proto", ...; empty when absent
  std::string compression;  // empty when absent
  std::optional<std::string> connect_version;  // "v1"
};

// INVALID_ARGUMENT naming the parameter for a malformed percent escape, a message that is not
// base64url with base64=1, or a parameter given twice.
absl::StatusOr<ConnectGetQuery> ParseConnectGetQuery(std::string_view query);

}  // namespace pipebridge::connect
