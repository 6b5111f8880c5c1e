#include "adapters/connect/connect_handler.h"

#include <boost/asio/post.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/connect/bearer_auth.h"
#include "adapters/connect/connect_get_query.h"
#include "adapters/connect/cors.h"
#include "adapters/connect/http_call.h"
#include "adapters/jsonrpc/origin_policy.h"
#include "adapters/jsonrpc/request_target.h"
#include "google/protobuf/descriptor.pb.h"

namespace pipebridge::connect {
namespace {

namespace http = boost::beast::http;

std::string_view View(boost::beast::string_view s) { return std::string_view(s.data(), s.size()); }
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

jsonrpc::HttpResponse PlainResponse(http::status status, std::string_view text, int version) {
  jsonrpc::HttpResponse response(status, version);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text);
  return response;
}

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(Absl(type)));
}

bool IsConnectUnary(const Protocol& protocol, const RequestMeta& meta) {
  return protocol.name() == "connect" && !meta.enveloped;
}

}  // namespace

// Where one request's answer goes: its responder, with the CORS headers of its Origin.
class ConnectHandler::Reply {
 public:
  Reply(std::shared_ptr<jsonrpc::HttpResponder> responder, std::string origin, int version)
      : responder_(std::move(responder)), origin_(std::move(origin)), version_(version) {}

  int version() const { return version_; }
  const std::string& origin() const { return origin_; }
  std::shared_ptr<jsonrpc::HttpResponder> TakeResponder() { return std::move(responder_); }

  void Send(jsonrpc::HttpResponse response) {
    AddCorsHeaders(origin_, &response);
    responder_->Respond(std::move(response));
  }

  // 415 naming what to send instead.
  void UnsupportedMediaType(std::string_view media_type, std::string_view why) {
    jsonrpc::HttpResponse response = PlainResponse(
        http::status::unsupported_media_type,
        absl::StrCat("unsupported media type \"", Absl(media_type), "\": ", Absl(why), "\n"),
        version_);
    response.set("Accept-Post",
                 "application/json, application/proto, application/connect+json, "
                 "application/connect+proto, application/grpc-web, application/grpc-web+proto, "
                 "application/grpc-web+json, application/grpc-web-text");
    Send(std::move(response));
  }

  // A protocol error before the call started.
  void Error(const Protocol& protocol, const RequestMeta& meta, const absl::Status& status) {
    jsonrpc::HttpResponse response = protocol.ErrorResponse(meta, status, version_);
    if (status.code() == absl::StatusCode::kUnauthenticated && IsConnectUnary(protocol, meta)) {
      // HTTP's 401 names the scheme it wants (RFC 9110 11.6.1).
      response.set(http::field::www_authenticate, "Bearer realm=\"pipebridge\"");
    }
    Send(std::move(response));
  }

 private:
  std::shared_ptr<jsonrpc::HttpResponder> responder_;
  std::string origin_;
  int version_;
};

ConnectHandler::ConnectHandler(const rpc::Dispatcher& dispatcher, ConnectHandlerOptions options)
    : dispatcher_(dispatcher), options_(std::move(options)) {}

void ConnectHandler::Handle(jsonrpc::HttpRequest request,
                            std::shared_ptr<jsonrpc::HttpResponder> responder) {
  const int version = request.version();
  std::optional<std::string_view> origin;
  if (auto field = request.find(http::field::origin); field != request.end()) {
    origin = View(field->value());
  }
  const bool origin_allowed =
      jsonrpc::OriginAllowed(origin, options_.allowed_origins, options_.allow_missing_origin);
  if (!origin_allowed || (request.method() == http::verb::options && !origin.has_value())) {
    responder->Respond(PlainResponse(
        http::status::forbidden,
        "forbidden: this Origin may not call the bridge (see allowed_origins)\n", version));
    return;
  }
  if (request.method() == http::verb::options) {
    responder->Respond(PreflightResponse(*origin, version));
    return;
  }

  Reply reply(std::move(responder), std::string(origin.value_or(std::string_view())), version);
  if (request.method() == http::verb::post) {
    ServePost(request, reply);
  } else if (request.method() == http::verb::get) {
    ServeGet(request, reply);
  } else {
    jsonrpc::HttpResponse response = PlainResponse(
        http::status::method_not_allowed,
        "method not allowed: Connect and gRPC-Web calls are POST /<package.Service>/<Method> "
        "(Connect also GET, for methods without side effects)\n",
        version);
    response.set(http::field::allow, "GET, POST, OPTIONS");
    reply.Send(std::move(response));
  }
}

void ConnectHandler::ServePost(jsonrpc::HttpRequest& request, Reply& reply) {
  const std::string media_type = MediaType(View(request[http::field::content_type]));
  const Protocol* protocol = &connect_;
  std::optional<RequestMeta> meta = connect_.Match(media_type);
  if (!meta.has_value()) {
    protocol = &grpc_web_;
    meta = grpc_web_.Match(media_type);
  }
  if (!meta.has_value()) {
    reply.UnsupportedMediaType(
        media_type,
        "send Connect (application/json, application/proto, application/connect+json, "
        "application/connect+proto) or gRPC-Web (application/grpc-web[+proto|+json], "
        "application/grpc-web-text)");
    return;
  }
  if (absl::Status auth = CheckBearerToken(request, options_.token); !auth.ok()) {
    reply.Error(*protocol, *meta, auth);
    return;
  }
  const rpc::Method* method = FindMethod(request, *protocol, *meta, reply);
  if (method == nullptr) return;
  if (!protocol->Serves(*meta, method->kind)) {
    reply.UnsupportedMediaType(
        media_type, method->kind == rpc::MethodKind::kUnary
                        ? "this method is unary: use application/json or application/proto"
                        : "this method streams: use application/connect+json or "
                          "application/connect+proto");
    return;
  }
  if (absl::Status headers = protocol->ReadHeaders(request, &*meta); !headers.ok()) {
    reply.Error(*protocol, *meta, headers);
    return;
  }
  StartCall(*protocol, *method, std::move(*meta), std::move(request.body()), reply);
}

void ConnectHandler::ServeGet(jsonrpc::HttpRequest& request, Reply& reply) {
  // A GET is Connect's, answered in Connect's unary JSON error shape until its encoding= is
  // known.
  RequestMeta error_meta = *connect_.Match("application/json");
  if (absl::Status auth = CheckBearerToken(request, options_.token); !auth.ok()) {
    reply.Error(connect_, error_meta, auth);
    return;
  }
  const rpc::Method* method = FindMethod(request, connect_, error_meta, reply);
  if (method == nullptr) return;
  if (method->kind != rpc::MethodKind::kUnary ||
      method->descriptor->options().idempotency_level() !=
          google::protobuf::MethodOptions::NO_SIDE_EFFECTS) {
    // As connect-go: GET is a method the handler does not allow here (405), named in the
    // Connect error body too.
    jsonrpc::HttpResponse response = connect_.ErrorResponse(
        error_meta,
        absl::UnimplementedError(absl::StrCat(
            method->full_name, " may have side effects: GET serves only unary methods marked "
            "idempotency_level = NO_SIDE_EFFECTS (rpc.discover: \"idempotent\": true); POST it")),
        reply.version());
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "POST");
    reply.Send(std::move(response));
    return;
  }
  absl::StatusOr<ConnectGetQuery> query =
      ParseConnectGetQuery(jsonrpc::TargetQuery(View(request.target())));
  if (!query.ok()) {
    reply.Error(connect_, error_meta, query.status());
    return;
  }
  std::optional<RequestMeta> meta = connect_.MatchGet(query->encoding);
  if (!meta.has_value()) {
    reply.UnsupportedMediaType(
        query->encoding.empty() ? "(no encoding= query parameter)" : query->encoding,
        "a Connect GET names its codec in the query: encoding=json or encoding=proto");
    return;
  }
  if (absl::Status read = connect_.ReadGet(request, *query, &*meta); !read.ok()) {
    reply.Error(connect_, *meta, read);
    return;
  }
  StartCall(connect_, *method, std::move(*meta), std::move(query->message), reply);
}

const rpc::Method* ConnectHandler::FindMethod(const jsonrpc::HttpRequest& request,
                                              const Protocol& protocol, const RequestMeta& meta,
                                              Reply& reply) const {
  const std::string_view path = jsonrpc::TargetPath(View(request.target()));
  const rpc::Method* method =
      path.size() > 1 ? dispatcher_.methods().Find(Absl(path.substr(1))) : nullptr;
  if (method != nullptr) return method;
  jsonrpc::HttpResponse response = protocol.ErrorResponse(
      meta,
      absl::UnimplementedError(absl::StrCat(
          "no method ", Absl(path),
          ": paths are /<package.Service>/<Method>, e.g. /pipebridge.v1.BridgeService/Ping")),
      reply.version());
  // As connect-go's mux: an unknown path is 404 (the body still says unimplemented).
  if (IsConnectUnary(protocol, meta)) response.result(http::status::not_found);
  reply.Send(std::move(response));
  return nullptr;
}

void ConnectHandler::StartCall(const Protocol& protocol, const rpc::Method& method,
                               RequestMeta meta, std::string body, Reply& reply) {
  if (shutting_down_.load(std::memory_order_acquire)) {
    reply.Error(protocol, meta, absl::UnavailableError("the bridge is shutting down"));
    return;
  }
  meta.compress_min_bytes = options_.compress_min_bytes;
  HttpCall::Setup setup;
  setup.dispatcher = &dispatcher_;
  setup.method = &method;
  setup.protocol = &protocol;
  setup.meta = std::move(meta);
  setup.responder = reply.TakeResponder();
  setup.registry = registry_;
  setup.http_version = reply.version();
  setup.origin = reply.origin();
  setup.max_json_depth = options_.max_json_depth;
  setup.max_message_bytes = options_.max_message_bytes;
  std::make_shared<HttpCall>(std::move(setup))->Start(std::move(body));
}

void ConnectHandler::Shutdown(absl::Duration grace) {
  shutting_down_.store(true, std::memory_order_release);
  const absl::Time grace_end = absl::Now() + grace;
  while (registry_->size() > 0 && absl::Now() < grace_end) absl::SleepFor(absl::Milliseconds(5));
  for (auto& call : registry_->Live()) {
    boost::asio::post(call->responder().strand(), [call] {
      call->Abort(absl::UnavailableError("the bridge is shutting down"));
    });
  }
  const absl::Time cancel_end = absl::Now() + absl::Seconds(2);
  while (registry_->size() > 0 && absl::Now() < cancel_end) absl::SleepFor(absl::Milliseconds(5));
}

}  // namespace pipebridge::connect
