#include "adapters/connect/connect_handler.h"

#include <boost/asio/post.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/connect/cors.h"
#include "adapters/connect/http_call.h"
#include "adapters/jsonrpc/origin_policy.h"

namespace pipebridge::connect {
namespace {

namespace http = boost::beast::http;

std::string_view View(boost::beast::string_view s) { return std::string_view(s.data(), s.size()); }

jsonrpc::HttpResponse PlainResponse(http::status status, std::string_view text, int version) {
  jsonrpc::HttpResponse response(status, version);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text);
  return response;
}

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(absl::string_view(type.data(), type.size())));
}

// "Bearer <token>" (the scheme is case-insensitive); empty otherwise, which the auth
// interceptor refuses as "no token".
std::string BearerToken(const jsonrpc::HttpRequest& request) {
  auto field = request.find(http::field::authorization);
  if (field == request.end()) return {};
  absl::string_view value(field->value().data(), field->value().size());
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) return {};
  return std::string(absl::StripAsciiWhitespace(value.substr(7)));
}

}  // namespace

ConnectHandler::ConnectHandler(const rpc::Dispatcher& dispatcher, ConnectHandlerOptions options)
    : dispatcher_(dispatcher), options_(std::move(options)) {}

void ConnectHandler::Handle(jsonrpc::HttpRequest request,
                            std::shared_ptr<jsonrpc::HttpResponder> responder) {
  const int version = request.version();
  auto respond = [&](jsonrpc::HttpResponse response) {
    responder->Respond(std::move(response));
  };

  std::optional<std::string_view> origin;
  if (auto field = request.find(http::field::origin); field != request.end()) {
    origin = View(field->value());
  }
  const bool origin_allowed =
      jsonrpc::OriginAllowed(origin, options_.allowed_origins, options_.allow_missing_origin);
  if (request.method() == http::verb::options) {
    if (!origin.has_value() || !origin_allowed) {
      respond(PlainResponse(http::status::forbidden,
                            "forbidden: this Origin may not call the bridge (see allowed_origins)\n",
                            version));
      return;
    }
    respond(PreflightResponse(*origin, version));
    return;
  }
  if (!origin_allowed) {
    respond(PlainResponse(http::status::forbidden,
                          "forbidden: this Origin may not call the bridge (see allowed_origins)\n",
                          version));
    return;
  }
  const std::string cors_origin(origin.value_or(std::string_view()));
  auto finish = [&](jsonrpc::HttpResponse response) {
    AddCorsHeaders(cors_origin, &response);
    respond(std::move(response));
  };

  if (request.method() != http::verb::post) {
    jsonrpc::HttpResponse response = PlainResponse(
        http::status::method_not_allowed,
        "method not allowed: Connect and gRPC-Web calls are POST /<package.Service>/<Method>\n",
        version);
    response.set(http::field::allow, "POST, OPTIONS");
    finish(std::move(response));
    return;
  }

  const std::string media_type = MediaType(View(request[http::field::content_type]));
  const Protocol* protocol = &connect_;
  std::optional<RequestMeta> meta = connect_.Match(media_type);
  if (!meta.has_value()) {
    protocol = &grpc_web_;
    meta = grpc_web_.Match(media_type);
  }
  auto unsupported = [&](std::string_view why) {
    jsonrpc::HttpResponse response = PlainResponse(
        http::status::unsupported_media_type,
        absl::StrCat("unsupported media type \"", media_type, "\": ",
                     absl::string_view(why.data(), why.size()), "\n"),
        version);
    response.set("Accept-Post",
                 "application/json, application/proto, application/connect+json, "
                 "application/connect+proto, application/grpc-web, application/grpc-web+proto, "
                 "application/grpc-web+json, application/grpc-web-text");
    finish(std::move(response));
  };
  if (!meta.has_value()) {
    unsupported("send Connect (application/json, application/proto, application/connect+json, "
                "application/connect+proto) or gRPC-Web (application/grpc-web[+proto|+json], "
                "application/grpc-web-text)");
    return;
  }

  const std::string_view path = jsonrpc::TargetPath(View(request.target()));
  const rpc::Method* method =
      path.size() > 1 ? dispatcher_.methods().Find(absl::string_view(path.data() + 1, path.size() - 1))
                      : nullptr;
  if (method == nullptr) {
    jsonrpc::HttpResponse response = protocol->ErrorResponse(
        *meta,
        absl::UnimplementedError(absl::StrCat(
            "no method ", absl::string_view(path.data(), path.size()),
            ": paths are /<package.Service>/<Method>, e.g. /pipebridge.v1.BridgeService/Ping")),
        version);
    // As connect-go's mux: an unknown path is 404 (the body still says unimplemented).
    if (protocol == &connect_ && !meta->enveloped) response.result(http::status::not_found);
    finish(std::move(response));
    return;
  }
  if (!protocol->Serves(*meta, method->kind)) {
    unsupported(method->kind == rpc::MethodKind::kUnary
                    ? "this method is unary: use application/json or application/proto"
                    : "this method streams: use application/connect+json or "
                      "application/connect+proto");
    return;
  }
  if (absl::Status headers = protocol->ReadHeaders(request, &*meta); !headers.ok()) {
    finish(protocol->ErrorResponse(*meta, headers, version));
    return;
  }
  if (shutting_down_.load(std::memory_order_acquire)) {
    finish(protocol->ErrorResponse(
        *meta, absl::UnavailableError("the bridge is shutting down"), version));
    return;
  }

  HttpCall::Setup setup;
  setup.dispatcher = &dispatcher_;
  setup.method = method;
  setup.protocol = protocol;
  setup.meta = std::move(*meta);
  setup.responder = std::move(responder);
  setup.registry = registry_;
  setup.http_version = version;
  setup.origin = cors_origin;
  setup.token = BearerToken(request);
  setup.max_json_depth = options_.max_json_depth;
  std::make_shared<HttpCall>(std::move(setup))->Start(std::move(request.body()));
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
