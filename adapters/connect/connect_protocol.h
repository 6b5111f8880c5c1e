// The Connect protocol (connectrpc.com/docs/protocol) on HTTP/1.1: unary calls with
// application/json or application/proto bodies (or as GET with the message in the query, for
// methods marked idempotency_level = NO_SIDE_EFFECTS), server streams with
// application/connect+json or application/connect+proto envelopes ending in an end-of-stream
// message (flag 0x02); gzip compression of either.
#pragma once

#include "adapters/connect/connect_get_query.h"
#include "adapters/connect/protocol.h"

namespace pipebridge::connect {

class ConnectProtocol final : public Protocol {
 public:
  std::string_view name() const override { return "connect"; }
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

  // Unary GET (Unary-Get-Request): the codec the query's encoding= names, as Match does for a
  // POST's media type (nullopt: 415).
  std::optional<RequestMeta> MatchGet(std::string_view encoding) const;
  // The rest of a GET into `meta`: connect=v1 (INVALID_ARGUMENT for another version),
  // compression= (UNIMPLEMENTED when unsupported), Accept-Encoding, Connect-Timeout-Ms.
  absl::Status ReadGet(const HttpRequest& request, const ConnectGetQuery& query,
                       RequestMeta* meta) const;
};

// {"code":"not_found","message":"...","details":[]}: the body of a unary error and the
// "error" member of a stream's end message.
void AppendConnectError(const absl::Status& status, std::string* out);

// Connect-Timeout-Ms: 1 to 10 ASCII digits, milliseconds.
absl::StatusOr<absl::Duration> ParseConnectTimeout(std::string_view value);

}  // namespace pipebridge::connect
