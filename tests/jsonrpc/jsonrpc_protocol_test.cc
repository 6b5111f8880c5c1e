// The JSON-RPC 2.0 protocol over TCP: requests, notifications, batches, ids, the standard
// errors, auth, deadlines and concurrency, against the TestService over real sockets.
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/jsonrpc/jsonrpc_test_client.h"

namespace pipebridge::jsonrpc::testing {
namespace {

using ProtocolTest = JsonRpcTest;

std::unique_ptr<LineClient> Ready(int port) {
  auto client = LineClient::Connect(port);
  EXPECT_NE(client, nullptr);
  json init = client->Initialize();
  EXPECT_TRUE(init.contains("result")) << init.dump();
  return client;
}

TEST_F(ProtocolTest, UnaryCallOverTcp) {
  auto client = Ready(tcp_port());
  json response = client->Call(EchoRequest(1, "over tcp"));
  EXPECT_EQ(response, json::parse(R"({"jsonrpc":"2.0","id":1,"result":{"text":"over tcp"}})"));
}

TEST_F(ProtocolTest, InitializeAnswersServerAndProtocol) {
  auto client = LineClient::Connect(tcp_port());
  json response = client->Initialize();
  EXPECT_EQ(response["id"], "init");
  EXPECT_EQ(response["result"]["server"]["name"], "pipebridge");
  EXPECT_EQ(response["result"]["protocolVersion"], 1);
  EXPECT_TRUE(response["result"]["capabilities"].is_array());
}

TEST_F(ProtocolTest, InitializeTakesMetaLikeEveryMethod) {
  auto client = LineClient::Connect(tcp_port());
  json response = client->Call(json{{"jsonrpc", "2.0"},
                                    {"id", 1},
                                    {"method", "$/initialize"},
                                    {"params", {{"token", kToken}, {"protocolVersion", 1},
                                                {"$meta", {{"timeoutMs", 1000}}}}}});
  EXPECT_TRUE(response.contains("result")) << response.dump();
  json bad = LineClient::Connect(tcp_port())->Call(json{
      {"jsonrpc", "2.0"}, {"id", 1}, {"method", "$/initialize"},
      {"params", {{"token", kToken}, {"protocolVersion", 1}, {"$meta", {{"timeout", 1}}}}}});
  EXPECT_EQ(bad["error"]["code"], -32602) << bad.dump();
}

TEST_F(ProtocolTest, CallsBeforeInitializeAreUnauthenticated) {
  auto client = LineClient::Connect(tcp_port());
  json response = client->Call(EchoRequest(1, "x"));
  EXPECT_EQ(response["error"]["code"], 16) << response.dump();
  EXPECT_EQ(response["error"]["data"]["status"], "UNAUTHENTICATED");
  EXPECT_TRUE(absl::StrContains(response["error"]["message"].get<std::string>(), "$/initialize"));
}

TEST_F(ProtocolTest, WrongTokenIsRefusedAndNotEchoed) {
  auto client = LineClient::Connect(tcp_port());
  json response = client->Call(json::parse(
      R"({"jsonrpc":"2.0","id":1,"method":"$/initialize","params":{"token":"guess-123","protocolVersion":1}})"));
  EXPECT_EQ(response["error"]["code"], 16) << response.dump();
  EXPECT_FALSE(absl::StrContains(response.dump(), "guess-123"));
  EXPECT_EQ(client->Call(EchoRequest(2, "x"))["error"]["code"], 16);
}

TEST_F(ProtocolTest, ProtocolVersionMismatchNamesBothVersions) {
  auto client = LineClient::Connect(tcp_port());
  json response = client->Call(json{{"jsonrpc", "2.0"},
                                    {"id", 1},
                                    {"method", "$/initialize"},
                                    {"params", {{"token", kToken}, {"protocolVersion", 7}}}});
  EXPECT_EQ(response["error"]["code"], 9) << response.dump();
  std::string message = response["error"]["message"];
  EXPECT_TRUE(absl::StrContains(message, "protocolVersion 7")) << message;
  EXPECT_TRUE(absl::StrContains(message, "protocolVersion 1")) << message;
  EXPECT_EQ(client->Call(EchoRequest(2, "x"))["error"]["code"], 16);
}

TEST_F(ProtocolTest, DiscoverDescribesTheServedServicesWithoutAdapterCode) {
  auto client = LineClient::Connect(tcp_port());
  json refused = client->Call(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"rpc.discover"})"));
  EXPECT_EQ(refused["error"]["code"], 16) << refused.dump();
  ASSERT_TRUE(client->Initialize().contains("result"));
  json response = client->Call(json::parse(R"({"jsonrpc":"2.0","id":2,"method":"rpc.discover","params":{}})"));
  ASSERT_TRUE(response.contains("result")) << response.dump();
  const json& document = response["result"];
  EXPECT_EQ(document["protocolVersion"], 1);
  // The test-only service is reachable and described like the contract's own.
  std::map<std::string, json> methods;
  for (const json& service : document["services"]) {
    for (const json& method : service["methods"]) methods[method["method"]] = method;
  }
  ASSERT_TRUE(methods.count("pipebridge.testing.v1.TestService/Echo")) << document["services"].dump();
  EXPECT_EQ(methods["pipebridge.testing.v1.TestService/Echo"]["kind"], "unary");
  EXPECT_EQ(methods["pipebridge.testing.v1.TestService/Count"]["kind"], "server_streaming");
  EXPECT_EQ(methods["pipebridge.testing.v1.TestService/Chat"]["kind"], "bidi_streaming");
  const json& echo = document["schemas"]["pipebridge.testing.v1.EchoRequest"];
  EXPECT_EQ(echo["properties"]["text"]["type"], "string") << echo.dump();
  EXPECT_EQ(echo["properties"]["delayMs"]["type"], "integer") << echo.dump();
}

TEST_F(ProtocolTest, NotificationGetsNoResponse) {
  auto client = Ready(tcp_port());
  ASSERT_TRUE(client->Send(R"({"jsonrpc":"2.0","method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"n"}})"));
  ASSERT_TRUE(client->Send(R"({"jsonrpc":"2.0","method":"no.such/Method"})"));
  json response = client->Call(EchoRequest(9, "after"));
  EXPECT_EQ(response["id"], 9) << "the notifications were answered: " << response.dump();
  EXPECT_FALSE(client->ReadLine(absl::Milliseconds(100)).has_value());
}

TEST_F(ProtocolTest, MixedBatchAnswersEachRequestInOneArray) {
  auto client = Ready(tcp_port());
  ASSERT_TRUE(client->Send(json::parse(R"([
    {"jsonrpc":"2.0","id":"a","method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"A"}},
    {"jsonrpc":"2.0","method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"note"}},
    1,
    {"jsonrpc":"2.0","id":"b","method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"B","delayMs":50}},
    {"jsonrpc":"2.0","id":"c","method":"nope/Nope"}
  ])").dump()));
  std::optional<json> response = client->Read();
  ASSERT_TRUE(response.has_value());
  ASSERT_TRUE(response->is_array()) << response->dump();
  ASSERT_EQ(response->size(), 4u) << response->dump();
  std::map<std::string, json> by_id;
  for (const json& item : *response) by_id[item["id"].dump()] = item;
  EXPECT_EQ(by_id["\"a\""]["result"]["text"], "A");
  EXPECT_EQ(by_id["\"b\""]["result"]["text"], "B");
  EXPECT_EQ(by_id["\"c\""]["error"]["code"], -32601);
  EXPECT_EQ(by_id["null"]["error"]["code"], -32600);
}

TEST_F(ProtocolTest, EmptyBatchIsOneInvalidRequest) {
  auto client = Ready(tcp_port());
  json response = client->Call(json::array());
  ASSERT_TRUE(response.is_object()) << response.dump();
  EXPECT_EQ(response["error"]["code"], -32600);
  EXPECT_TRUE(response["id"].is_null());
}

TEST_F(ProtocolTest, BatchOfNotificationsGetsNoResponse) {
  auto client = Ready(tcp_port());
  ASSERT_TRUE(client->Send(R"([{"jsonrpc":"2.0","method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"1"}},{"jsonrpc":"2.0","method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"2"}}])"));
  json response = client->Call(EchoRequest(5, "next"));
  EXPECT_EQ(response["id"], 5) << response.dump();
}

TEST_F(ProtocolTest, IdsAreEchoedExactlyAsGiven) {
  auto client = Ready(tcp_port());
  for (const char* id : {"\"abc\"", "7", "-0.5e3", "12345678901234567890123", "null",
                         "\"caf\\u00e9\"", "\"\""}) {
    std::string request = absl::StrCat(
        R"({"jsonrpc":"2.0","id":)", id,
        R"(,"method":"pipebridge.testing.v1.TestService/Echo","params":{"text":"x"}})");
    ASSERT_TRUE(client->Send(request));
    std::optional<std::string> line = client->ReadLine();
    ASSERT_TRUE(line.has_value()) << id;
    EXPECT_TRUE(absl::StrContains(*line, absl::StrCat("\"id\":", id, ","))) << *line;
  }
}

TEST_F(ProtocolTest, ParseErrorIsMinus32700WithNullId) {
  auto client = Ready(tcp_port());
  for (const char* text : {R"({"jsonrpc": "2.0", "method": "foo", "params": "bar", "baz])",
                           R"({"jsonrpc":"2.0","id":1,"method":"x"} trailing)", "[1,2",
                           R"({"jsonrpc":"2.0","id":1,"method":"x",})"}) {
    ASSERT_TRUE(client->Send(text));
    std::optional<json> response = client->Read();
    ASSERT_TRUE(response.has_value()) << text;
    EXPECT_EQ((*response)["error"]["code"], -32700) << text << " -> " << response->dump();
    EXPECT_TRUE((*response)["id"].is_null());
  }
}

TEST_F(ProtocolTest, InvalidRequestsAreMinus32600) {
  auto client = Ready(tcp_port());
  for (const char* text : {"42", R"("text")", R"({"id":1,"method":"x"})",
                           R"({"jsonrpc":"1.0","id":1,"method":"x"})",
                           R"({"jsonrpc":"2.0","id":1,"method":5})",
                           R"({"jsonrpc":"2.0","id":{"a":1},"method":"x"})",
                           R"({"jsonrpc":"2.0","id":1,"method":"x","extra":true})",
                           R"({"jsonrpc":"2.0","id":1})",
                           R"({"jsonrpc":"2.0","id":1,"method":"x","params":5})"}) {
    ASSERT_TRUE(client->Send(text));
    std::optional<json> response = client->Read();
    ASSERT_TRUE(response.has_value()) << text;
    EXPECT_EQ((*response)["error"]["code"], -32600) << text << " -> " << response->dump();
    EXPECT_EQ((*response)["error"]["data"]["status"], "INVALID_ARGUMENT");
  }
}

TEST_F(ProtocolTest, UnknownMethodIsMinus32601) {
  auto client = Ready(tcp_port());
  json response = client->Call(json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "pipebridge.v1.Nope/Nope"}});
  EXPECT_EQ(response["error"]["code"], -32601) << response.dump();
  EXPECT_TRUE(absl::StrContains(response["error"]["message"].get<std::string>(), "pipebridge.v1.Nope/Nope"));
  EXPECT_EQ(response["error"]["data"]["status"], "UNIMPLEMENTED");
}

TEST_F(ProtocolTest, UnknownAndMistypedFieldsAreMinus32602WithTheirPath) {
  auto client = Ready(tcp_port());
  json unknown = client->Call(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", kEcho},
                                   {"params", {{"text", "x"}, {"colour", "red"}}}});
  EXPECT_EQ(unknown["error"]["code"], -32602) << unknown.dump();
  EXPECT_TRUE(absl::StrContains(unknown["error"]["message"].get<std::string>(), "colour"));
  json mistyped = client->Call(json{{"jsonrpc", "2.0"}, {"id", 2}, {"method", kEcho},
                                    {"params", {{"text", "x"}, {"delayMs", "soon"}}}});
  EXPECT_EQ(mistyped["error"]["code"], -32602) << mistyped.dump();
  EXPECT_TRUE(absl::StrContains(mistyped["error"]["message"].get<std::string>(), "delayMs"));
  json positional = client->Call(json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", kEcho},
                                      {"params", {"x"}}});
  EXPECT_EQ(positional["error"]["code"], -32602) << positional.dump();
  json bad_meta = client->Call(json{{"jsonrpc", "2.0"}, {"id", 4}, {"method", kEcho},
                                    {"params", {{"$meta", {{"timeout", 5}}}}}});
  EXPECT_EQ(bad_meta["error"]["code"], -32602) << bad_meta.dump();
  EXPECT_TRUE(absl::StrContains(bad_meta["error"]["message"].get<std::string>(), "$meta.timeout"));
}

TEST_F(ProtocolTest, TransportFailureIsMinus32603) {
  // A stream handler that starts nothing is the server's fault, not the client's.
  ASSERT_TRUE((table_.SetServerStreaming<pipebridge::testing::v1::CountRequest>(
                   kCount, [](rpc::CallContext&, const pipebridge::testing::v1::CountRequest&,
                              rpc::ServerStream&) { return std::unique_ptr<rpc::StreamObserver>(); }))
                  .ok());
  auto client = Ready(tcp_port());
  json response = client->Call(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", kCount}, {"params", {{"count", 1}}}});
  EXPECT_EQ(response["error"]["code"], -32603) << response.dump();
}

TEST_F(ProtocolTest, MetaTimeoutEndsTheCallWithDeadlineExceeded) {
  auto client = Ready(tcp_port());
  absl::Time start = absl::Now();
  json response = client->Call(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", kEcho},
                                    {"params", {{"text", "slow"}, {"delayMs", 10000},
                                                {"$meta", {{"timeoutMs", 100}}}}}});
  EXPECT_EQ(response["error"]["code"], 4) << response.dump();
  EXPECT_EQ(response["error"]["data"]["status"], "DEADLINE_EXCEEDED");
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }))
      << "the handler was not cancelled";
  // $meta is stripped: a fast call with a timeout succeeds.
  json fast = client->Call(json{{"jsonrpc", "2.0"}, {"id", 2}, {"method", kEcho},
                                {"params", {{"$meta", {{"timeoutMs", 5000}}}, {"text", "ok"}}}});
  EXPECT_EQ(fast["result"]["text"], "ok") << fast.dump();
}

TEST_F(ProtocolTest, SlowCallDoesNotBlockAFastOneOnTheSameConnection) {
  auto client = Ready(tcp_port());
  ASSERT_TRUE(client->Send(EchoRequest("slow", "s", 500).dump()));
  ASSERT_TRUE(client->Send(EchoRequest("fast", "f").dump()));
  std::optional<json> first = client->Read();
  std::optional<json> second = client->Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)["id"], "fast");
  EXPECT_EQ((*second)["id"], "slow");
  EXPECT_EQ((*second)["result"]["text"], "s");
}

TEST_F(ProtocolTest, DuplicateIdInFlightIsRefused) {
  auto client = Ready(tcp_port());
  ASSERT_TRUE(client->Send(EchoRequest(1, "slow", 300).dump()));
  json duplicate = client->Call(EchoRequest(1, "again"));
  EXPECT_EQ(duplicate["error"]["code"], -32600) << duplicate.dump();
  EXPECT_EQ(client->Read().value_or(json())["result"]["text"], "slow");
}

TEST_F(ProtocolTest, ManyConnectionsManyCalls) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto client = LineClient::Connect(tcp_port());
      client->Initialize();
      for (int i = 0; i < 200; ++i) {
        std::string text = std::to_string(t * 1000 + i);
        json response = client->Call(EchoRequest(i, text));
        if (response["result"]["text"] == text) ok++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 1600);
}

TEST_F(ProtocolTest, PortInUseIsAClearError) {
  JsonRpcServerOptions options = DefaultOptions();
  options.tcp_port = tcp_port();
  options.http_port = -1;
  auto second = JsonRpcServer::Start(*dispatcher_, options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(second.status().message(), "already in use")) << second.status();
}

TEST_F(ProtocolTest, EmptyTokenIsRefusedAtStart) {
  JsonRpcServerOptions options;
  auto server = JsonRpcServer::Start(*dispatcher_, options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pipebridge::jsonrpc::testing
