#include "adapters/connect/connect_protocol.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/connect/connect_codes.h"
#include "adapters/connect/envelope.h"
#include "adapters/connect/gzip.h"
#include "adapters/connect/request_message.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::connect {
namespace {

namespace http = boost::beast::http;

std::string_view Field(const HttpRequest& request, std::string_view name) {
  auto it = request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == request.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

std::optional<std::string_view> OptionalField(const HttpRequest& request, std::string_view name) {
  auto it = request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == request.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

HttpResponse NewResponse(http::status status, std::string_view content_type, int version) {
  HttpResponse response(status, version);
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  return response;
}

absl::Status ReadTimeout(const HttpRequest& request, RequestMeta* meta) {
  std::string_view timeout = Field(request, "Connect-Timeout-Ms");
  if (timeout.empty()) return absl::OkStatus();
  absl::StatusOr<absl::Duration> parsed = ParseConnectTimeout(timeout);
  if (!parsed.ok()) return parsed.status();
  meta->timeout = *parsed;
  return absl::OkStatus();
}

}  // namespace

std::optional<RequestMeta> ConnectProtocol::Match(std::string_view media_type) const {
  RequestMeta meta;
  if (media_type == "application/json") {
    meta.codec = Codec::kJson;
  } else if (media_type == "application/proto") {
    meta.codec = Codec::kProto;
  } else if (media_type == "application/connect+json") {
    meta.codec = Codec::kJson;
    meta.enveloped = true;
  } else if (media_type == "application/connect+proto") {
    meta.codec = Codec::kProto;
    meta.enveloped = true;
  } else {
    return std::nullopt;
  }
  meta.response_content_type = std::string(media_type);
  return meta;
}

bool ConnectProtocol::Serves(const RequestMeta& meta, rpc::MethodKind kind) const {
  // Unary calls have bare bodies, streams envelopes: the media type says which (as connect-go,
  // a mismatch is 415). Bidi streams need HTTP/2 full duplex: gRPC only.
  if (kind == rpc::MethodKind::kBidiStreaming) return meta.enveloped;
  return meta.enveloped == (kind == rpc::MethodKind::kServerStreaming);
}

absl::StatusOr<absl::Duration> ParseConnectTimeout(std::string_view value) {
  if (value.empty() || value.size() > 10 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return absl::InvalidArgumentError(
        absl::StrCat("Connect-Timeout-Ms: \"", absl::string_view(value.data(), value.size()),
                     "\" is not 1 to 10 digits of milliseconds"));
  }
  int64_t ms = 0;
  for (char c : value) ms = ms * 10 + (c - '0');
  return absl::Milliseconds(ms);
}

absl::Status ConnectProtocol::ReadHeaders(const HttpRequest& request, RequestMeta* meta) const {
  std::string_view version = Field(request, "Connect-Protocol-Version");
  if (!version.empty() && version != "1") {
    return absl::InvalidArgumentError(
        absl::StrCat("Connect-Protocol-Version: \"", absl::string_view(version.data(), version.size()),
                     "\" is not supported; this server speaks version 1"));
  }
  // Unary messages are compressed as HTTP bodies are; stream messages each in its envelope.
  const std::string_view encoding_header =
      meta->enveloped ? "Connect-Content-Encoding" : "Content-Encoding";
  const std::string_view accept_header =
      meta->enveloped ? "Connect-Accept-Encoding" : "Accept-Encoding";
  absl::StatusOr<Compression> compression =
      ParseRequestEncoding(encoding_header, Field(request, encoding_header));
  if (!compression.ok()) return compression.status();
  meta->request_compression = *compression;
  meta->response_compression =
      ChooseResponseEncoding(OptionalField(request, accept_header), *compression);
  return ReadTimeout(request, meta);
}

std::optional<RequestMeta> ConnectProtocol::MatchGet(std::string_view encoding) const {
  if (encoding == "json") return Match("application/json");
  if (encoding == "proto") return Match("application/proto");
  return std::nullopt;
}

absl::Status ConnectProtocol::ReadGet(const HttpRequest& request, const ConnectGetQuery& query,
                                      RequestMeta* meta) const {
  if (query.connect_version.has_value() && *query.connect_version != "v1") {
    return absl::InvalidArgumentError(
        absl::StrCat("query parameter connect: \"", *query.connect_version,
                     "\" is not supported; this server speaks v1"));
  }
  absl::StatusOr<Compression> compression =
      ParseRequestEncoding("query parameter compression", query.compression);
  if (!compression.ok()) return compression.status();
  meta->request_compression = *compression;
  meta->response_compression =
      ChooseResponseEncoding(OptionalField(request, "Accept-Encoding"), *compression);
  return ReadTimeout(request, meta);
}

absl::StatusOr<std::string_view> ConnectProtocol::RequestMessage(const RequestMeta& meta,
                                                                 std::string& body,
                                                                 size_t max_message_bytes) const {
  if (!meta.enveloped) {
    return BareRequestMessage(body, meta.request_compression, max_message_bytes);
  }
  return EnvelopedRequestMessage(body, meta.request_compression, "Connect-Content-Encoding",
                                 max_message_bytes);
}

HttpResponse ConnectProtocol::UnaryResponse(const RequestMeta& meta, std::string message,
                                            int version) const {
  HttpResponse response = NewResponse(http::status::ok, meta.response_content_type, version);
  if (meta.response_compression == Compression::kGzip &&
      message.size() >= meta.compress_min_bytes) {
    response.set(http::field::content_encoding, "gzip");
    response.body() = Gzip(message);
  } else {
    response.body() = std::move(message);
  }
  return response;
}

void AppendConnectError(const absl::Status& status, std::string* out) {
  out->append("{\"code\":\"");
  out->append(ConnectCodeName(status.code()));
  out->append("\",\"message\":");
  rpc::AppendJsonString(status.message(), out);
  out->append(",\"details\":[]}");
}

HttpResponse ConnectProtocol::ErrorResponse(const RequestMeta& meta, const absl::Status& status,
                                            int version) const {
  if (meta.enveloped) {
    // A stream that failed before its first message is still a stream: HTTP 200 and the error
    // in the end-of-stream message (the Connect specification's streaming responses).
    HttpResponse response = NewResponse(http::status::ok, meta.response_content_type, version);
    response.set("Connect-Accept-Encoding", kAcceptEncodings);
    response.body() = StreamEnd(meta, status);
    return response;
  }
  HttpResponse response(static_cast<http::status>(ConnectCodeToHttp(status.code())), version);
  response.set(http::field::content_type, "application/json");
  response.set(http::field::accept_encoding, kAcceptEncodings);
  AppendConnectError(status, &response.body());
  return response;
}

HttpResponse ConnectProtocol::StreamHeader(const RequestMeta& meta, int version) const {
  HttpResponse response = NewResponse(http::status::ok, meta.response_content_type, version);
  if (meta.response_compression == Compression::kGzip) {
    response.set("Connect-Content-Encoding", "gzip");
  }
  return response;
}

std::string ConnectProtocol::StreamMessage(const RequestMeta& meta,
                                           std::string_view message) const {
  std::string out;
  if (meta.response_compression == Compression::kGzip &&
      message.size() >= meta.compress_min_bytes) {
    AppendEnvelope(kFlagCompressed, Gzip(message), &out);
    return out;
  }
  out.reserve(kEnvelopeHeaderBytes + message.size());
  AppendEnvelope(0, message, &out);
  return out;
}

std::string ConnectProtocol::StreamEnd(const RequestMeta& meta, const absl::Status& status) const {
  // Always JSON, whatever the codec of the messages. The server sends no trailers: metadata
  // is empty.
  std::string json = "{\"metadata\":{}}";
  if (!status.ok()) {
    json = "{\"error\":";
    AppendConnectError(status, &json);
    json.append(",\"metadata\":{}}");
  }
  std::string out;
  AppendEnvelope(kFlagConnectEndStream, json, &out);
  return out;
}

}  // namespace pipebridge::connect
