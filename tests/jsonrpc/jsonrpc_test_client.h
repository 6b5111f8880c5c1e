// Test fixtures for the JSON-RPC transports: a server over the TestService (with the auth and
// deadline interceptors) on ephemeral loopback ports, a raw newline-delimited TCP client, a
// WebSocket client (Beast, synchronous) and a raw HTTP request helper.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "adapters/jsonrpc/jsonrpc_server.h"
#include "bridge/rpc/dispatcher.h"
#include "nlohmann/json.hpp"
#include "tests/testing/test_service.h"

namespace pipebridge::jsonrpc::testing {

using nlohmann::json;

inline constexpr char kToken[] = "test-token";
inline constexpr char kEcho[] = "pipebridge.testing.v1.TestService/Echo";
inline constexpr char kCount[] = "pipebridge.testing.v1.TestService/Count";

// Newline-delimited JSON over a blocking socket.
class LineClient {
 public:
  static std::unique_ptr<LineClient> Connect(int port);
  ~LineClient();
  int fd() const { return fd_; }

  // Writes `text` and a '\n'.
  bool Send(std::string_view text);
  bool SendRaw(std::string_view bytes);
  // The next line, or nullopt on timeout / connection closed.
  std::optional<std::string> ReadLine(absl::Duration timeout = absl::Seconds(5));
  std::optional<json> Read(absl::Duration timeout = absl::Seconds(5));
  // True when the server closed the connection within `timeout` (pending lines are skipped).
  bool WaitClosed(absl::Duration timeout);
  // $/initialize with the right token; returns the result.
  json Initialize();
  // Sends a request and reads the next message (for sequential use).
  json Call(const json& request);

 private:
  explicit LineClient(int fd) : fd_(fd) {}
  int fd_;
  std::string buffer_;
};

class WsClient {
 public:
  struct Options {
    std::string target = "/rpc";
    std::string host;  // default "127.0.0.1:<port>"
    std::optional<std::string> origin;
    std::optional<std::string> subprotocols;
  };
  // nullptr when the handshake failed; `error` gets why.
  static std::unique_ptr<WsClient> Connect(int port, const Options& options, std::string* error,
                                           std::string* accepted_subprotocol = nullptr);
  ~WsClient();
  bool Send(std::string_view text);
  bool SendBinary(std::string_view bytes);
  std::optional<json> Read();
  // After the server closed: its close code (0 if none).
  int close_code() const { return close_code_; }
  json Initialize();
  json Call(const json& request);

 private:
  WsClient() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int close_code_ = 0;
};

// Sends a raw HTTP request to 127.0.0.1:port and returns the status code (0 on failure).
int HttpStatus(int port, const std::string& request);

json EchoRequest(const json& id, const std::string& text, int delay_ms = 0);

class JsonRpcTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Restarts the server with `options` (token and ports filled in).
  void StartServer(JsonRpcServerOptions options);
  JsonRpcServerOptions DefaultOptions();
  int tcp_port() const { return server_->tcp_port(); }
  int http_port() const { return server_->http_port(); }
  // Waits until `predicate` holds, up to `timeout`.
  static bool WaitFor(const std::function<bool()>& predicate,
                      absl::Duration timeout = absl::Seconds(5));

  rpc::Logger logger_{rpc::LogLevel::kError};
  rpc::MethodTable table_;
  pipebridge::testing::TestServiceProbe probe_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::unique_ptr<JsonRpcServer> server_;
};

}  // namespace pipebridge::jsonrpc::testing
