// Connect and gRPC-Web on the HTTP/1.1 port, generic over the method table: every unary and
// server-streaming method is served at POST /<package.Service>/<Method> with no per-method
// code; calls go through the rpc::Dispatcher (auth, deadlines, logging) straight to their
// handlers. Plugged into the JSON-RPC server's HTTP session (JsonRpcServerOptions::http_handler),
// which has already checked the Host header and bounded the body (max_message_bytes, 413).
//
// Per request, in order: OPTIONS is a CORS preflight; an Origin outside the allowlist is 403;
// other methods than GET and POST are 405; a POST's Content-Type of neither protocol is 415;
// then the protocol answers in its own terms, the token first (UNAUTHENTICATED, Connect HTTP
// 401, before anything of the body is read), then the path (unknown method: UNIMPLEMENTED,
// Connect HTTP 404), the headers, the body. A GET is a Connect unary GET: served for unary
// methods marked idempotency_level = NO_SIDE_EFFECTS, 405 (Allow: POST) for the others.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "adapters/connect/call_registry.h"
#include "adapters/connect/connect_protocol.h"
#include "adapters/connect/grpc_web_protocol.h"
#include "adapters/jsonrpc/http_handler.h"
#include "bridge/rpc/dispatcher.h"

namespace pipebridge::connect {

struct ConnectHandlerOptions {
  // The server's token (required): every request carries `Authorization: Bearer <token>`.
  std::string token;
  // Origins a browser page may call from (see origin_policy.h; pass the WebSocket's list).
  std::vector<std::string> allowed_origins;
  bool allow_missing_origin = true;
  // Deepest JSON nesting of a request (the codec's limit).
  int max_json_depth = 64;
  // Largest request message once decompressed: the HTTP session's body limit
  // (JsonRpcServerOptions::max_message_bytes), so compression cannot smuggle more past it.
  size_t max_message_bytes = 16 * 1024 * 1024;
  // Response messages smaller than this are not compressed, whatever the client accepts.
  size_t compress_min_bytes = kCompressMinBytes;
};

class ConnectHandler final : public jsonrpc::HttpHandler {
 public:
  // `dispatcher` must outlive the handler.
  ConnectHandler(const rpc::Dispatcher& dispatcher, ConnectHandlerOptions options);

  void Handle(jsonrpc::HttpRequest request,
              std::shared_ptr<jsonrpc::HttpResponder> responder) override;

  // Refuses new calls (UNAVAILABLE), lets the calls in flight finish for up to `grace`, then
  // cancels what still runs (streams never end by themselves) and waits, at most two more
  // seconds, for their handlers to let go. Call before stopping the HTTP server's threads.
  void Shutdown(absl::Duration grace);

  // Calls started and not yet released by their handlers.
  int64_t calls_in_flight() const { return registry_->size(); }

 private:
  class Reply;
  void ServePost(jsonrpc::HttpRequest& request, Reply& reply);
  void ServeGet(jsonrpc::HttpRequest& request, Reply& reply);
  // Looks up the method the path names; answers UNIMPLEMENTED (Connect: 404) and returns
  // nullptr when there is none.
  const rpc::Method* FindMethod(const jsonrpc::HttpRequest& request, const Protocol& protocol,
                                const RequestMeta& meta, Reply& reply) const;
  void StartCall(const Protocol& protocol, const rpc::Method& method, RequestMeta meta,
                 std::string body, Reply& reply);
  const rpc::Dispatcher& dispatcher_;
  const ConnectHandlerOptions options_;
  const ConnectProtocol connect_;
  const GrpcWebProtocol grpc_web_;
  std::shared_ptr<CallRegistry> registry_ = std::make_shared<CallRegistry>();
  std::atomic<bool> shutting_down_{false};
};

}  // namespace pipebridge::connect
