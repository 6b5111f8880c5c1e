// Fixtures for the Connect / gRPC-Web tests: a JsonRpcServer over the TestService (auth and
// deadline interceptors) with the ConnectHandler plugged into its HTTP port on an ephemeral
// loopback port, and a raw HTTP/1.1 client over a blocking socket (every wait bounded) that
// sends exactly the bytes a test gives it and parses what comes back.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/connect/connect_handler.h"
#include "adapters/jsonrpc/jsonrpc_server.h"
#include "bridge/rpc/dispatcher.h"
#include "tests/testing/test_service.h"

namespace pipebridge::connect::testing {

inline constexpr char kToken[] = "test-token";
inline constexpr char kEchoPath[] = "/pipebridge.testing.v1.TestService/Echo";
inline constexpr char kCountPath[] = "/pipebridge.testing.v1.TestService/Count";
inline constexpr char kChatPath[] = "/pipebridge.testing.v1.TestService/Chat";
// The contract's BridgeService/Ping is served too: it is marked NO_SIDE_EFFECTS (GET).
inline constexpr char kPingPath[] = "/pipebridge.v1.BridgeService/Ping";

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // de-chunked
  bool chunked = false;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawHttpClient {
 public:
  static std::unique_ptr<RawHttpClient> Connect(int port);
  ~RawHttpClient();
  bool Send(absl::string_view bytes);
  // One response: status line, headers, then the body by Content-Length, chunked coding, or
  // until the server closes. nullopt on timeout or a malformed response.
  std::optional<HttpReply> Read(absl::Duration timeout = absl::Seconds(5));
  // Only the status line and headers of a response (for streams left open).
  std::optional<HttpReply> ReadHead(absl::Duration timeout = absl::Seconds(5));
  // True when the server closed the connection within `timeout` (data before it is skipped).
  bool WaitClosed(absl::Duration timeout = absl::Seconds(5));
  int fd() const { return fd_; }

 private:
  explicit RawHttpClient(int fd) : fd_(fd) {}
  bool Fill(absl::Time deadline);  // reads more into buffer_; false on timeout or close
  std::optional<std::string> ReadLine(absl::Time deadline);
  std::optional<std::string> ReadBytes(size_t n, absl::Time deadline);
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

// "POST <path> HTTP/1.1" with Host, Content-Type, Content-Length, the bearer token (unless
// `token` is empty) and `extra_headers` (each "Name: value\r\n").
std::string PostRequest(int port, absl::string_view path, absl::string_view content_type,
                        absl::string_view body, absl::string_view extra_headers = "",
                        absl::string_view token = kToken);

// "GET <target> HTTP/1.1" with Host, the bearer token (unless `token` is empty) and
// `extra_headers` (each "Name: value\r\n").
std::string GetRequest(int port, absl::string_view target, absl::string_view extra_headers = "",
                       absl::string_view token = kToken);

// One envelope (flags, big-endian length, payload); and the envelopes of a body.
std::string Envelope(uint8_t flags, absl::string_view payload);
struct Frame {
  uint8_t flags = 0;
  std::string payload;
};
// nullopt when `body` is not a sequence of whole envelopes.
std::optional<std::vector<Frame>> SplitEnvelopes(absl::string_view body);

class ConnectTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  void StartServer(jsonrpc::JsonRpcServerOptions options);
  jsonrpc::JsonRpcServerOptions DefaultOptions();
  int port() const { return server_->http_port(); }
  // Sends one request on a new connection and reads the response.
  std::optional<HttpReply> RoundTrip(const std::string& request);
  static bool WaitFor(const std::function<bool()>& predicate,
                      absl::Duration timeout = absl::Seconds(5));

  // Read by StartServer: response messages from this size are compressed when accepted.
  size_t compress_min_bytes_ = kCompressMinBytes;

  rpc::Logger logger_{rpc::LogLevel::kError};
  rpc::MethodTable table_;
  pipebridge::testing::TestServiceProbe probe_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::shared_ptr<ConnectHandler> handler_;
  std::unique_ptr<jsonrpc::JsonRpcServer> server_;
};

}  // namespace pipebridge::connect::testing
