// JSON-RPC 2.0 over TCP (newline-delimited JSON, its own port) and over WebSocket (an HTTP/1.1
// port, path /rpc), generic over the method table: every method of the Dispatcher's table is
// reachable by its full name ("pipebridge.v1.BridgeService/Ping") with no per-method code.
// See docs in DESIGN.md ("The wire conventions") and adapters/jsonrpc/README.md.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/rpc/dispatcher.h"

namespace pipebridge::jsonrpc {

class HttpHandler;
struct ServerState;

// The Origin values a WebSocket upgrade may carry by default (a request without Origin, as
// Photoshop UXP, CEP's Node side, Python, C# and Lua send, is allowed separately):
// pages served from this machine's loopback on any port, and CEP panels (file://). A web page
// elsewhere ("https://example.com") and the sandboxed-iframe origin "null" are refused.
std::vector<std::string> DefaultAllowedOrigins();

struct JsonRpcServerOptions {
  // Literal IP address both listeners bind.
  std::string host = "127.0.0.1";
  // Newline-delimited JSON-RPC over TCP; 0 picks a free port, -1 disables the listener.
  int tcp_port = 0;
  // HTTP/1.1: WebSocket upgrades on /rpc, other requests to `http_handler`; 0 picks a free
  // port, -1 disables the listener.
  int http_port = 0;
  // Threads running the io_context; every connection's calls run on them (handlers included).
  int threads = 2;

  // The server's token (required): $/initialize params, WebSocket subprotocol
  // "token.<TOKEN>" or "?token=" on the upgrade request. Never logged or echoed.
  std::string token;
  // What $/initialize answers.
  std::string server_version = "0.1.0";
  int protocol_version = 1;
  std::vector<std::string> capabilities = {"batch", "cancel", "deadlines", "serverStreaming"};

  // Largest message read (a TCP line or a WebSocket message). An oversized TCP line is
  // answered with Invalid Request (-32600, id null) and skipped, the connection stays; an
  // oversized WebSocket message closes the connection with 1009 (message too big).
  size_t max_message_bytes = 16 * 1024 * 1024;
  // Deepest JSON nesting of params (passed to the codec).
  int max_depth = 64;
  // Calls running at once on one connection; the next gets RESOURCE_EXHAUSTED (code 8) at
  // once until one ends.
  int max_in_flight = 256;
  // Output queued on one connection (responses its client has not read) above which the
  // server stops reading that connection until the queue has drained to half.
  size_t max_queued_output_bytes = 4 * 1024 * 1024;
  // A connection with no call in flight (no open stream) and nothing read for this long is
  // closed.
  absl::Duration idle_timeout = absl::Minutes(10);
  // A message begun but not completed must make progress within this (a TCP partial line; the
  // HTTP upgrade request; WebSocket ping/pong liveness), else the connection is closed.
  absl::Duration read_timeout = absl::Seconds(30);

  // WebSocket upgrade checks, before upgrading (403 otherwise). Origins match exactly
  // (scheme://host[:port]); an entry ending in ":*" matches any port.
  std::vector<std::string> allowed_origins = DefaultAllowedOrigins();
  bool allow_missing_origin = true;
  // Host header names accepted besides 127.0.0.1, localhost and [::1] (each with the
  // listener's port); every HTTP request with another Host gets 403 (DNS rebinding).
  std::vector<std::string> allowed_hosts;
  // Serves HTTP requests that are not WebSocket upgrades (Connect, gRPC-Web); null: 404.
  std::shared_ptr<HttpHandler> http_handler;
};

struct JsonRpcServerStats {
  int64_t connections = 0;
  int64_t calls_in_flight = 0;
  // Output queued on all connections now, and the most one connection ever had queued.
  int64_t queued_output_bytes = 0;
  int64_t peak_connection_queued_output_bytes = 0;
};

class JsonRpcServer {
 public:
  // Binds the listeners and starts the threads. FAILED_PRECONDITION ("... is already in use")
  // for a taken port, INVALID_ARGUMENT for a host that is not an IP address or an empty token.
  // `dispatcher` must outlive the server.
  static absl::StatusOr<std::unique_ptr<JsonRpcServer>> Start(const rpc::Dispatcher& dispatcher,
                                                              JsonRpcServerOptions options);
  ~JsonRpcServer();
  JsonRpcServer(const JsonRpcServer&) = delete;
  JsonRpcServer& operator=(const JsonRpcServer&) = delete;

  // 0 when the listener is disabled.
  int tcp_port() const { return tcp_port_; }
  int http_port() const { return http_port_; }
  // "127.0.0.1:47731"; empty when disabled.
  std::string tcp_address() const;
  std::string http_address() const;

  JsonRpcServerStats stats() const;

  // Stops accepting connections, lets calls in flight finish for up to `grace`, then closes
  // every connection (cancelling what still runs) and stops the threads. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  JsonRpcServer() = default;
  std::shared_ptr<ServerState> state_;
  std::vector<std::shared_ptr<void>> listeners_;
  std::shared_ptr<void> work_;
  int tcp_port_ = 0;
  int http_port_ = 0;
  bool stopped_ = false;
};

}  // namespace pipebridge::jsonrpc
