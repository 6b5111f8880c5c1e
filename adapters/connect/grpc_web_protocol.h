// gRPC-Web (github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md) on HTTP/1.1:
// application/grpc-web[+proto|+json] and application/grpc-web-text[+proto] (base64 bodies),
// unary and server streaming; the status travels in a trailers frame (flag 0x80) at the end of
// the body, or in the headers of a trailers-only response when a call fails before any message.
#pragma once

#include "adapters/connect/protocol.h"

namespace pipebridge::connect {

class GrpcWebProtocol final : public Protocol {
 public:
  std::string_view name() const override { return "grpc-web"; }
  std::optional<RequestMeta> Match(std::string_view media_type) const override;
  bool Serves(const RequestMeta& meta, rpc::MethodKind kind) const override;
  absl::Status ReadHeaders(const HttpRequest& request, RequestMeta* meta) const override;
  absl::StatusOr<std::string_view> RequestMessage(const RequestMeta& meta, std::string& body,
                                                  size_t max_message_bytes) const override;
  HttpResponse UnaryResponse(const RequestMeta& meta, std::string message,
                             int version) const override;
  HttpResponse ErrorResponse(const RequestMeta& meta, const absl::Status& status,
                             int version) const override;
  HttpResponse StreamHeader(const RequestMeta& meta, int version) const override;
  std::string StreamMessage(const RequestMeta& meta, std::string_view message) const override;
  std::string StreamEnd(const RequestMeta& meta, const absl::Status& status) const override;
};

// grpc-timeout: 1 to 8 ASCII digits and a unit (H, M, S, m, u, n).
absl::StatusOr<absl::Duration> ParseGrpcTimeout(std::string_view value);

// grpc-message's encoding: bytes outside printable ASCII, and '%', as %XX (upper-case hex).
std::string PercentEncodeGrpcMessage(std::string_view message);

}  // namespace pipebridge::connect
