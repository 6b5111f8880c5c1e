#include "adapters/connect/grpc_web_protocol.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/connect/envelope.h"
#include "adapters/connect/grpc_web_text.h"
#include "adapters/connect/gzip.h"
#include "adapters/connect/request_message.h"

namespace pipebridge::connect {
namespace {

namespace http = boost::beast::http;

std::string_view Field(const HttpRequest& request, std::string_view name) {
  auto it = request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == request.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

std::string_view Message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

std::string TrailerText(const absl::Status& status) {
  std::string text = absl::StrCat("grpc-status:", static_cast<int>(status.code()), "\r\n");
  if (!status.ok()) {
    absl::StrAppend(&text, "grpc-message:", PercentEncodeGrpcMessage(Message(status)), "\r\n");
  }
  return text;
}

// gRPC-Web text sends each frame as its own padded base64 run (PROTOCOL-WEB.md allows
// concatenated padded chunks), so a stream's frames need no carry-over between writes.
std::string Frame(const RequestMeta& meta, uint8_t flags, std::string_view payload) {
  std::string frame;
  frame.reserve(kEnvelopeHeaderBytes + payload.size());
  AppendEnvelope(flags, payload, &frame);
  if (!meta.text) return frame;
  return absl::Base64Escape(frame);
}

}  // namespace

std::optional<RequestMeta> GrpcWebProtocol::Match(std::string_view media_type) const {
  RequestMeta meta;
  meta.enveloped = true;
  if (media_type == "application/grpc-web" || media_type == "application/grpc-web+proto") {
    meta.codec = Codec::kProto;
    meta.response_content_type = "application/grpc-web+proto";
  } else if (media_type == "application/grpc-web+json") {
    meta.codec = Codec::kJson;
    meta.response_content_type = "application/grpc-web+json";
  } else if (media_type == "application/grpc-web-text" ||
             media_type == "application/grpc-web-text+proto") {
    meta.codec = Codec::kProto;
    meta.text = true;
    meta.response_content_type = "application/grpc-web-text+proto";
  } else {
    return std::nullopt;
  }
  return meta;
}

bool GrpcWebProtocol::Serves(const RequestMeta& meta, rpc::MethodKind kind) const {
  // Unary and server streaming share the framing. Bidi methods are answered UNIMPLEMENTED by
  // the handler: browsers cannot stream a request body over HTTP/1.1.
  return true;
}

absl::StatusOr<absl::Duration> ParseGrpcTimeout(std::string_view value) {
  auto invalid = [value] {
    return absl::InvalidArgumentError(absl::StrCat(
        "grpc-timeout: \"", absl::string_view(value.data(), value.size()),
        "\" is not 1 to 8 digits followed by a unit (H, M, S, m, u, n)"));
  };
  if (value.size() < 2 || value.size() > 9) return invalid();
  int64_t amount = 0;
  for (char c : value.substr(0, value.size() - 1)) {
    if (c < '0' || c > '9') return invalid();
    amount = amount * 10 + (c - '0');
  }
  switch (value.back()) {
    case 'H': return absl::Hours(amount);
    case 'M': return absl::Minutes(amount);
    case 'S': return absl::Seconds(amount);
    case 'm': return absl::Milliseconds(amount);
    case 'u': return absl::Microseconds(amount);
    case 'n': return absl::Nanoseconds(amount);
    default: return invalid();
  }
}

std::string PercentEncodeGrpcMessage(std::string_view message) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e || byte == '%') {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::Status GrpcWebProtocol::ReadHeaders(const HttpRequest& request, RequestMeta* meta) const {
  absl::StatusOr<Compression> compression =
      ParseRequestEncoding("grpc-encoding", Field(request, "grpc-encoding"));
  if (!compression.ok()) return compression.status();
  meta->request_compression = *compression;
  std::optional<std::string_view> accept;
  if (auto it = request.find("grpc-accept-encoding"); it != request.end()) {
    accept = std::string_view(it->value().data(), it->value().size());
  }
  meta->response_compression = ChooseResponseEncoding(accept, *compression);
  std::string_view timeout = Field(request, "grpc-timeout");
  if (!timeout.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseGrpcTimeout(timeout);
    if (!parsed.ok()) return parsed.status();
    meta->timeout = *parsed;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string_view> GrpcWebProtocol::RequestMessage(const RequestMeta& meta,
                                                                 std::string& body,
                                                                 size_t max_message_bytes) const {
  if (meta.text) {
    std::string decoded;
    if (absl::Status status = DecodeGrpcWebText(body, &decoded); !status.ok()) return status;
    body = std::move(decoded);
  }
  return EnvelopedRequestMessage(body, meta.request_compression, "grpc-encoding",
                                 max_message_bytes);
}

HttpResponse GrpcWebProtocol::UnaryResponse(const RequestMeta& meta, std::string message,
                                            int version) const {
  HttpResponse response = StreamHeader(meta, version);
  response.body() = StreamMessage(meta, message);
  response.body().append(StreamEnd(meta, absl::OkStatus()));
  return response;
}

HttpResponse GrpcWebProtocol::ErrorResponse(const RequestMeta& meta, const absl::Status& status,
                                            int version) const {
  // Trailers-only: the status in the headers and no body, as gRPC answers a call that fails
  // before any message.
  HttpResponse response(http::status::ok, version);
  response.set(http::field::content_type, meta.response_content_type);
  response.set("grpc-accept-encoding", kAcceptEncodings);
  response.set("grpc-status", std::to_string(static_cast<int>(status.code())));
  if (!status.ok()) response.set("grpc-message", PercentEncodeGrpcMessage(Message(status)));
  return response;
}

HttpResponse GrpcWebProtocol::StreamHeader(const RequestMeta& meta, int version) const {
  HttpResponse response(http::status::ok, version);
  response.set(http::field::content_type, meta.response_content_type);
  if (meta.response_compression == Compression::kGzip) response.set("grpc-encoding", "gzip");
  return response;
}

std::string GrpcWebProtocol::StreamMessage(const RequestMeta& meta,
                                           std::string_view message) const {
  if (meta.response_compression == Compression::kGzip &&
      message.size() >= meta.compress_min_bytes) {
    return Frame(meta, kFlagCompressed, Gzip(message));
  }
  return Frame(meta, 0, message);
}

std::string GrpcWebProtocol::StreamEnd(const RequestMeta& meta, const absl::Status& status) const {
  return Frame(meta, kFlagGrpcWebTrailers, TrailerText(status));
}

}  // namespace pipebridge::connect
