// Which compressions Connect and gRPC-Web messages may use here, and the negotiation rules
// both protocols share: the request names its encoding (Content-Encoding,
// Connect-Content-Encoding, grpc-encoding, or GET's compression=), the client lists what it
// accepts for the response, most preferred first (Accept-Encoding, Connect-Accept-Encoding,
// grpc-accept-encoding); "identity" is always accepted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pipebridge::connect {

enum class Compression { kIdentity, kGzip };

// What the server supports, for error messages and the accept-encoding response headers.
inline constexpr char kSupportedEncodings[] = "gzip, identity";
inline constexpr char kAcceptEncodings[] = "gzip";

// By default, response messages smaller than this are sent uncompressed (the flag or header
// says so): gzip's framing alone is 18 bytes, and on loopback small messages cost more to
// compress than to send.
inline constexpr size_t kCompressMinBytes = 1024;

// The encoding a request names in `header` ("" or "identity": none). UNIMPLEMENTED naming the
// header and listing the supported encodings for any other.
absl::StatusOr<Compression> ParseRequestEncoding(std::string_view header,
                                                 std::string_view value);

// The response's compression: the first supported entry of `accept` (a comma-separated list;
// ";q=" parameters ignored), or the request's own when `accept` is absent (as both
// specifications say), else identity.
Compression ChooseResponseEncoding(std::optional<std::string_view> accept,
                                   Compression request_encoding);

// "gzip" / "identity".
std::string_view EncodingName(Compression compression);

}  // namespace pipebridge::connect
