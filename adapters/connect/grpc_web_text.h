// The body of an application/grpc-web-text request: base64 (RFC 4648 §4) of the gRPC-Web
// frames, possibly as several independently padded chunks one after another, as browsers send
// a request written in pieces (PROTOCOL-WEB.md: "... may be concatenated"). Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace pipebridge::connect {

// Decodes `text` into `out` (replacing it). A chunk ends at its padding ("=" or "=="), the next
// one starts fresh; the last one may be unpadded. CR/LF between characters are skipped.
// INVALID_ARGUMENT naming the offending character or group and its offset otherwise.
absl::Status DecodeGrpcWebText(std::string_view text, std::string* out);

}  // namespace pipebridge::connect
