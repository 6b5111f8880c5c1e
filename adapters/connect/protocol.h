// One small interface per wire protocol served on the HTTP port (Connect, gRPC-Web), as
// connect-go's protocol.go: the handler picks the protocol by Content-Type and never knows
// which one it serves. Implementations are stateless (one instance serves every request).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/connect/codec.h"
#include "adapters/connect/compression.h"
#include "adapters/jsonrpc/http_handler.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::connect {

using jsonrpc::HttpRequest;
using jsonrpc::HttpResponse;

// What a protocol read from one request.
struct RequestMeta {
  Codec codec = Codec::kJson;
  // Messages are enveloped (Connect streaming, gRPC-Web); else the body is the message.
  bool enveloped = false;
  // gRPC-Web text: bodies are base64 both ways.
  bool text = false;
  // The Content-Type of the response.
  std::string response_content_type;
  // Connect-Timeout-Ms / grpc-timeout.
  std::optional<absl::Duration> timeout;
  // The request message's compression, and the one chosen for the response's messages.
  Compression request_compression = Compression::kIdentity;
  Compression response_compression = Compression::kIdentity;
  // Response messages smaller than this go uncompressed (ConnectHandlerOptions).
  size_t compress_min_bytes = kCompressMinBytes;
};

class Protocol {
 public:
  virtual ~Protocol() = default;
  // "connect", "grpc-web": the rpc::Peer transport of its calls.
  virtual std::string_view name() const = 0;
  // The request's media type (lower case, no parameters): nullopt when not this protocol's.
  virtual std::optional<RequestMeta> Match(std::string_view media_type) const = 0;
  // Whether a request of this media type may call a method of `kind` (415 otherwise).
  virtual bool Serves(const RequestMeta& meta, rpc::MethodKind kind) const = 0;
  // Reads the protocol's request headers (timeout, version, compression) into `meta`:
  // INVALID_ARGUMENT for a malformed one naming it, UNIMPLEMENTED for an unsupported
  // compression (listing the supported ones).
  virtual absl::Status ReadHeaders(const HttpRequest& request, RequestMeta* meta) const = 0;
  // The request message's encoded bytes, from `body` (which it may decode and decompress in
  // place); decompressed, at most `max_message_bytes` (RESOURCE_EXHAUSTED beyond).
  virtual absl::StatusOr<std::string_view> RequestMessage(const RequestMeta& meta,
                                                          std::string& body,
                                                          size_t max_message_bytes) const = 0;

  // A unary call's success, carrying the encoded response message (compressed here when
  // meta.response_compression says so and it is large enough).
  virtual HttpResponse UnaryResponse(const RequestMeta& meta, std::string message,
                                     int version) const = 0;
  // A call that failed before any response message was sent (unary or streaming). Names the
  // supported compressions (the protocol's accept-encoding header) for the client's next try.
  virtual HttpResponse ErrorResponse(const RequestMeta& meta, const absl::Status& status,
                                     int version) const = 0;
  // A stream: the response header, each message's bytes on the wire, and the end.
  virtual HttpResponse StreamHeader(const RequestMeta& meta, int version) const = 0;
  virtual std::string StreamMessage(const RequestMeta& meta, std::string_view message) const = 0;
  virtual std::string StreamEnd(const RequestMeta& meta, const absl::Status& status) const = 0;
};

}  // namespace pipebridge::connect
