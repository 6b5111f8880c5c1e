// Bad input and limits: oversized messages, deep nesting, partial lines, floods of requests,
// in-flight and idle limits. Each time the server keeps serving every other connection.
#include <poll.h>
#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "tests/jsonrpc/jsonrpc_test_client.h"

namespace pipebridge::jsonrpc::testing {
namespace {

using LimitsTest = JsonRpcTest;

void ExpectServed(int port) {
  auto client = LineClient::Connect(port);
  ASSERT_NE(client, nullptr);
  client->Initialize();
  EXPECT_EQ(client->Call(EchoRequest(1, "served"))["result"]["text"], "served");
}

TEST_F(LimitsTest, OversizedLineIsAnsweredSkippedAndTheConnectionGoesOn) {
  JsonRpcServerOptions options = DefaultOptions();
  options.max_message_bytes = 4096;
  StartServer(options);
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  ASSERT_TRUE(client->Send(EchoRequest(1, std::string(100000, 'x')).dump()));
  std::optional<json> response = client->Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ((*response)["error"]["code"], -32600) << response->dump();
  EXPECT_EQ(client->Call(EchoRequest(2, "small"))["result"]["text"], "small");
}

TEST_F(LimitsTest, OversizedWebSocketMessageClosesWith1009) {
  JsonRpcServerOptions options = DefaultOptions();
  options.max_message_bytes = 4096;
  StartServer(options);
  std::string error;
  auto client = WsClient::Connect(http_port(), {}, &error);
  ASSERT_NE(client, nullptr) << error;
  client->Initialize();
  // The server may close before the client finished writing: the write may fail, and the
  // close frame may be lost to the reset; when it arrives it says 1009.
  client->Send(EchoRequest(1, std::string(100000, 'x')).dump());
  EXPECT_FALSE(client->Read().has_value());
  if (client->close_code() != 0) {
    EXPECT_EQ(client->close_code(), 1009);
  }
  ExpectServed(tcp_port());
}

TEST_F(LimitsTest, NestingTenThousandDeepIsAnErrorNotACrash) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  ASSERT_TRUE(client->Send(deep));
  std::optional<json> response = client->Read();
  ASSERT_TRUE(response.has_value());
  // A batch of one element that is not a request: an array holding one Invalid Request.
  ASSERT_TRUE(response->is_array() && response->size() == 1) << response->dump().substr(0, 200);
  EXPECT_EQ((*response)[0]["error"]["code"], -32600);
  std::string in_params = absl::StrCat(
      R"({"jsonrpc":"2.0","id":1,"method":"pipebridge.testing.v1.TestService/Echo","params":{"text":)",
      deep, "}}");
  ASSERT_TRUE(client->Send(in_params));
  response = client->Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_TRUE(response->contains("error")) << response->dump();
  std::string deep_object;
  for (int i = 0; i < 10000; ++i) deep_object += "{\"a\":";
  deep_object += "1" + std::string(10000, '}');
  ASSERT_TRUE(client->Send(deep_object));
  response = client->Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_TRUE(response->contains("error"));
  EXPECT_EQ(client->Call(EchoRequest(2, "alive"))["result"]["text"], "alive");
}

TEST_F(LimitsTest, PartialLineThenSilenceIsClosedByTheReadTimeout) {
  JsonRpcServerOptions options = DefaultOptions();
  options.read_timeout = absl::Milliseconds(300);
  StartServer(options);
  auto stalled = LineClient::Connect(tcp_port());
  ASSERT_TRUE(stalled->SendRaw(R"({"jsonrpc":"2.0","id":1,"meth)"));
  auto healthy = LineClient::Connect(tcp_port());
  healthy->Initialize();
  EXPECT_TRUE(stalled->WaitClosed(absl::Seconds(5)));
  EXPECT_EQ(healthy->Call(EchoRequest(1, "fine"))["result"]["text"], "fine");
}

TEST_F(LimitsTest, PartialHttpRequestThenSilenceIsClosedByTheReadTimeout) {
  JsonRpcServerOptions options = DefaultOptions();
  options.read_timeout = absl::Milliseconds(500);
  StartServer(options);
  const std::string host = absl::StrCat("Host: 127.0.0.1:", http_port(), "\r\n");
  auto stalled = LineClient::Connect(http_port());
  ASSERT_TRUE(stalled->SendRaw(absl::StrCat("GET /rpc HTTP/1.1\r\n", host)));
  // A keep-alive connection whose requests each come within the timeout is served request
  // after request, for longer than one timeout in all.
  auto healthy = LineClient::Connect(http_port());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(healthy->SendRaw(absl::StrCat("GET /other HTTP/1.1\r\n", host, "\r\n")));
    std::optional<std::string> status = healthy->ReadLine();
    ASSERT_TRUE(status.has_value()) << "request " << i;
    EXPECT_EQ(status->substr(0, 12), "HTTP/1.1 404") << *status;
    std::optional<std::string> line;
    do {
      line = healthy->ReadLine();
    } while (line.has_value() && *line != "\r");  // the fields, up to the blank line
    ASSERT_TRUE(healthy->ReadLine().has_value());  // the one-line body
    absl::SleepFor(absl::Milliseconds(150));
  }
  EXPECT_TRUE(stalled->WaitClosed(absl::Seconds(5)));
}

TEST_F(LimitsTest, IdleConnectionIsClosedButNotWhileAStreamIsOpen) {
  JsonRpcServerOptions options = DefaultOptions();
  options.idle_timeout = absl::Milliseconds(300);
  StartServer(options);
  auto idle = LineClient::Connect(tcp_port());
  auto streaming = LineClient::Connect(tcp_port());
  streaming->Initialize();
  ASSERT_TRUE(streaming->Send(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", kCount},
                                   {"params", {{"count", -1}}}}.dump()));
  EXPECT_TRUE(idle->WaitClosed(absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_EQ(streaming->Call(EchoRequest(2, "open"))["result"]["text"], "open");
}

TEST_F(LimitsTest, TooManyCallsInFlightAreResourceExhausted) {
  JsonRpcServerOptions options = DefaultOptions();
  options.max_in_flight = 2;
  StartServer(options);
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  ASSERT_TRUE(client->Send(EchoRequest(1, "a", 300).dump()));
  ASSERT_TRUE(client->Send(EchoRequest(2, "b", 300).dump()));
  ASSERT_TRUE(client->Send(EchoRequest(3, "c", 300).dump()));
  std::optional<json> first = client->Read();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ((*first)["id"], 3);
  EXPECT_EQ((*first)["error"]["code"], 8) << first->dump();
  EXPECT_EQ((*first)["error"]["data"]["status"], "RESOURCE_EXHAUSTED");
  EXPECT_TRUE(client->Read().has_value());
  EXPECT_TRUE(client->Read().has_value());
  EXPECT_EQ(client->Call(EchoRequest(4, "d"))["result"]["text"], "d");
}

TEST_F(LimitsTest, FloodWithoutReadingKeepsTheServerBounded) {
  JsonRpcServerOptions options = DefaultOptions();
  options.max_queued_output_bytes = 256 * 1024;
  StartServer(options);
  auto flooder = LineClient::Connect(tcp_port());
  flooder->Initialize();
  int small = 64 * 1024;
  ::setsockopt(flooder->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  // 10,000 requests with 2 KB answers each (20 MB), never read.
  std::string text(2000, 'p');
  std::string batch;
  for (int i = 0; i < 10000; ++i) {
    batch += EchoRequest(i, text).dump();
    batch += '\n';
  }
  size_t sent = 0;
  const absl::Time end = absl::Now() + absl::Seconds(3);
  while (sent < batch.size() && absl::Now() < end) {
    pollfd p{flooder->fd(), POLLOUT, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::send(flooder->fd(), batch.data() + sent, batch.size() - sent,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) sent += static_cast<size_t>(n);
  }
  EXPECT_LT(sent, batch.size()) << "the server kept reading although nobody read its answers";
  ExpectServed(tcp_port());
  JsonRpcServerStats stats = server_->stats();
  EXPECT_LE(stats.peak_connection_queued_output_bytes, 256 * 1024 + 64 * 1024 * 4)
      << "queued output grew past the limit";
}

TEST_F(LimitsTest, FailedLoginsCloseTheConnectionAfterAFew) {
  auto client = LineClient::Connect(tcp_port());
  for (int i = 0; i < 5; ++i) {
    client->Send(json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "$/initialize"},
                      {"params", {{"token", "wrong"}, {"protocolVersion", 1}}}}.dump());
  }
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(5)));
}

}  // namespace
}  // namespace pipebridge::jsonrpc::testing
