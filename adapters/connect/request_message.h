// From a request body to the request message's encoded bytes, for both protocols: a bare
// message (Connect unary, GET) or exactly one envelope (Connect streaming, gRPC-Web), then
// decompressed as the request's encoding says, bounded by the message limit.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "adapters/connect/compression.h"

namespace pipebridge::connect {

// `body` is the whole message, compressed with `compression` (a zero-length body is never
// decompressed, as the Connect specification says). The result points into `body`.
absl::StatusOr<std::string_view> BareRequestMessage(std::string& body, Compression compression,
                                                    size_t max_message_bytes);

// `body` is one envelope; its compressed flag (0x01) says whether `compression` applies, and
// may be set only when `encoding_header` (the header that named it) named one: INTERNAL
// otherwise, as gRPC's compression rules say. The result points into `body`.
absl::StatusOr<std::string_view> EnvelopedRequestMessage(std::string& body,
                                                         Compression compression,
                                                         std::string_view encoding_header,
                                                         size_t max_message_bytes);

}  // namespace pipebridge::connect
