// Server streaming over JSON-RPC: $/stream notifications then the final response,
// $/cancelRequest for streams and unary calls, write-driven backpressure, cleanup on close.
#include "absl/strings/match.h"
#include "tests/jsonrpc/jsonrpc_test_client.h"

namespace pipebridge::jsonrpc::testing {
namespace {

using StreamingTest = JsonRpcTest;

json CountRequest(const json& id, int count) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", kCount}, {"params", {{"count", count}}}};
}

json CancelRequest(const json& id) {
  return json{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", id}}}};
}

TEST_F(StreamingTest, StreamMessagesInOrderThenTheFinalResponse) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  ASSERT_TRUE(client->Send(CountRequest("c1", 50).dump()));
  for (int n = 1; n <= 50; ++n) {
    std::optional<json> message = client->Read();
    ASSERT_TRUE(message.has_value());
    ASSERT_EQ((*message)["method"], "$/stream") << message->dump();
    ASSERT_FALSE(message->contains("id")) << "a stream message is a notification";
    EXPECT_EQ((*message)["params"]["id"], "c1");
    EXPECT_EQ((*message)["params"]["message"]["n"], n);
  }
  std::optional<json> final_response = client->Read();
  ASSERT_TRUE(final_response.has_value());
  EXPECT_EQ(*final_response, json::parse(R"({"jsonrpc":"2.0","id":"c1","result":{}})"));
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
}

TEST_F(StreamingTest, EmptyStreamAnswersAtOnce) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  json response = client->Call(CountRequest(1, 0));
  EXPECT_EQ(response["result"], json::object()) << response.dump();
}

TEST_F(StreamingTest, CancelRequestEndsAnEndlessStream) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  ASSERT_TRUE(client->Send(CountRequest(7, -1).dump()));
  absl::SleepFor(absl::Milliseconds(50));
  ASSERT_TRUE(client->Send(CancelRequest(7).dump()));
  std::optional<json> response = client->Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ((*response)["id"], 7);
  EXPECT_EQ((*response)["error"]["code"], 1) << response->dump();
  EXPECT_EQ((*response)["error"]["data"]["status"], "CANCELLED");
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
  EXPECT_EQ(probe_.cancellations.load(), 1);
  EXPECT_EQ(client->Call(EchoRequest(8, "still here"))["result"]["text"], "still here");
}

TEST_F(StreamingTest, CancelRequestEndsADelayedUnaryCall) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  absl::Time start = absl::Now();
  ASSERT_TRUE(client->Send(EchoRequest("slow", "x", 10000).dump()));
  absl::SleepFor(absl::Milliseconds(50));
  ASSERT_TRUE(client->Send(CancelRequest("slow").dump()));
  std::optional<json> response = client->Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ((*response)["id"], "slow");
  EXPECT_EQ((*response)["error"]["code"], 1) << response->dump();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return server_->stats().calls_in_flight == 0; }));
}

TEST_F(StreamingTest, CancelRequestWithAnIdIsAnsweredAndUnknownIdsAreHarmless) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  json response = client->Call(json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "$/cancelRequest"},
                                    {"params", {{"id", "never-sent"}}}});
  EXPECT_EQ(response["result"], json::object()) << response.dump();
}

TEST_F(StreamingTest, MetaTimeoutEndsAStream) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  json request = CountRequest(1, -1);
  request["params"]["$meta"] = {{"timeoutMs", 100}};
  json response = client->Call(request);
  EXPECT_EQ(response["error"]["code"], 4) << response.dump();
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
}

TEST_F(StreamingTest, SlowReaderHoldsBackTheStreamNotTheServerMemory) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  ASSERT_TRUE(client->Send(CountRequest(1, 200000).dump()));
  // Not reading: the socket buffers fill, writes stall, and the stream waits for them.
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_LT(server_->stats().queued_output_bytes, 64 * 1024)
      << "stream messages were queued without waiting for the writes";
  int expected = 1;
  while (expected <= 200000) {
    std::optional<json> message = client->Read();
    ASSERT_TRUE(message.has_value());
    ASSERT_EQ((*message)["params"]["message"]["n"], expected);
    ++expected;
  }
  EXPECT_EQ(client->Read().value_or(json())["result"], json::object());
  EXPECT_LT(server_->stats().peak_connection_queued_output_bytes, 64 * 1024);
}

TEST_F(StreamingTest, ClosingTheConnectionCancelsItsStreams) {
  {
    auto client = LineClient::Connect(tcp_port());
    client->Initialize();
    ASSERT_TRUE(client->Send(CountRequest(1, -1).dump()));
    ASSERT_TRUE(client->Send(EchoRequest(2, "x", 10000).dump()));
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 2; }));
  EXPECT_TRUE(WaitFor([&] { return server_->stats().calls_in_flight == 0; }));
  EXPECT_TRUE(WaitFor([&] { return server_->stats().connections == 0; }));
}

TEST_F(StreamingTest, BidiMethodsAreRefusedClearly) {
  auto client = LineClient::Connect(tcp_port());
  client->Initialize();
  json response = client->Call(json{{"jsonrpc", "2.0"}, {"id", 1},
                                    {"method", "pipebridge.testing.v1.TestService/Chat"}});
  EXPECT_EQ(response["error"]["code"], 12) << response.dump();
}

}  // namespace
}  // namespace pipebridge::jsonrpc::testing
