// JSON-RPC over WebSocket: calls and streams, the upgrade's Host/Origin checks, the token as
// a subprotocol or query parameter, binary frames.
#include "absl/strings/str_cat.h"
#include "tests/jsonrpc/jsonrpc_test_client.h"

namespace pipebridge::jsonrpc::testing {
namespace {

using WebSocketTest = JsonRpcTest;

std::string Upgrade(int port, const std::string& target, const std::string& host,
                    const std::string& extra = "") {
  return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: ", host,
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
                      extra, "\r\n");
}

TEST_F(WebSocketTest, UnaryCallAfterInitialize) {
  std::string error;
  auto client = WsClient::Connect(http_port(), {}, &error);
  ASSERT_NE(client, nullptr) << error;
  EXPECT_EQ(client->Call(EchoRequest(1, "x"))["error"]["code"], 16);
  EXPECT_TRUE(client->Initialize().contains("result"));
  json response = client->Call(EchoRequest(2, "over websocket"));
  EXPECT_EQ(response, json::parse(R"({"jsonrpc":"2.0","id":2,"result":{"text":"over websocket"}})"));
}

TEST_F(WebSocketTest, StreamOverWebSocket) {
  std::string error;
  auto client = WsClient::Connect(http_port(), {}, &error);
  ASSERT_NE(client, nullptr) << error;
  client->Initialize();
  ASSERT_TRUE(client->Send(json{{"jsonrpc", "2.0"}, {"id", "s"}, {"method", kCount},
                                {"params", {{"count", 3}}}}.dump()));
  for (int n = 1; n <= 3; ++n) {
    std::optional<json> message = client->Read();
    ASSERT_TRUE(message.has_value());
    EXPECT_EQ((*message)["params"]["message"]["n"], n);
  }
  EXPECT_EQ(client->Read().value_or(json())["result"], json::object());
}

TEST_F(WebSocketTest, TokenAsSubprotocolAuthenticatesAndIsAnsweredWithPipebridgeV1) {
  std::string error, accepted;
  WsClient::Options options;
  options.subprotocols = absl::StrCat("pipebridge.v1, token.", kToken);
  auto client = WsClient::Connect(http_port(), options, &error, &accepted);
  ASSERT_NE(client, nullptr) << error;
  EXPECT_EQ(accepted, "pipebridge.v1");
  EXPECT_EQ(client->Call(EchoRequest(1, "no initialize"))["result"]["text"], "no initialize");
}

TEST_F(WebSocketTest, TokenAsQueryParameterAuthenticates) {
  std::string error;
  WsClient::Options options;
  options.target = absl::StrCat("/rpc?token=", kToken);
  auto client = WsClient::Connect(http_port(), options, &error);
  ASSERT_NE(client, nullptr) << error;
  EXPECT_EQ(client->Call(EchoRequest(1, "q"))["result"]["text"], "q");
}

TEST_F(WebSocketTest, WrongTokenOnTheUpgradeIs401) {
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc?token=nope",
                                            absl::StrCat("127.0.0.1:", http_port()))),
            401);
  EXPECT_EQ(HttpStatus(http_port(),
                       Upgrade(http_port(), "/rpc", absl::StrCat("127.0.0.1:", http_port()),
                               "Sec-WebSocket-Protocol: pipebridge.v1, token.nope\r\n")),
            401);
}

TEST_F(WebSocketTest, ForeignOriginAndWrongHostAre403) {
  const std::string host = absl::StrCat("127.0.0.1:", http_port());
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc", host,
                                            "Origin: https://evil.example\r\n")),
            403);
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc", host, "Origin: null\r\n")), 403);
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc",
                                            absl::StrCat("evil.example:", http_port()))),
            403);
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc", "127.0.0.1:1")), 403);
  // What local pages and panels send is accepted.
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc", host,
                                            "Origin: http://localhost:3000\r\n")),
            101);
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc", absl::StrCat("localhost:", http_port()))),
            101);
  std::string error;
  WsClient::Options options;
  options.origin = "https://evil.example";
  EXPECT_EQ(WsClient::Connect(http_port(), options, &error), nullptr);
}

TEST_F(WebSocketTest, OtherPathsAndPlainHttpAre404) {
  const std::string host = absl::StrCat("127.0.0.1:", http_port());
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/other", host)), 404);
  EXPECT_EQ(HttpStatus(http_port(), absl::StrCat("GET / HTTP/1.1\r\nHost: ", host, "\r\n\r\n")), 404);
  EXPECT_EQ(HttpStatus(http_port(), "GARBAGE\r\n\r\n"), 400);
}

TEST_F(WebSocketTest, SubprotocolsWithoutPipebridgeAreRefused) {
  EXPECT_EQ(HttpStatus(http_port(), Upgrade(http_port(), "/rpc",
                                            absl::StrCat("127.0.0.1:", http_port()),
                                            "Sec-WebSocket-Protocol: chat\r\n")),
            400);
}

TEST_F(WebSocketTest, BinaryFrameClosesWith1003AndOthersAreServed) {
  std::string error;
  auto client = WsClient::Connect(http_port(), {}, &error);
  ASSERT_NE(client, nullptr) << error;
  client->Initialize();
  ASSERT_TRUE(client->SendBinary("{\"jsonrpc\":\"2.0\"}"));
  EXPECT_FALSE(client->Read().has_value());
  EXPECT_EQ(client->close_code(), 1003);
  auto other = WsClient::Connect(http_port(), {}, &error);
  ASSERT_NE(other, nullptr) << error;
  EXPECT_TRUE(other->Initialize().contains("result"));
}

}  // namespace
}  // namespace pipebridge::jsonrpc::testing
