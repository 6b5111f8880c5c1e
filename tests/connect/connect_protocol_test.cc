// The Connect protocol over real sockets: unary JSON and binary, server streams with envelopes
// and the end-of-stream message, errors in Connect's body and HTTP status table, deadlines,
// auth. Every call reaches TestService through the method table with no per-method code.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/connect/connect_test_fixture.h"

namespace pipebridge::connect::testing {
namespace {

using nlohmann::json;
namespace tv1 = pipebridge::testing::v1;

TEST_F(ConnectTest, UnaryJson) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", R"({"text":"hi"})",
                                     "Connect-Protocol-Version: 1\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(json::parse(reply->body), json({{"text", "hi"}}));
}

TEST_F(ConnectTest, UnaryJsonWithCharsetAndProtoFieldNames) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json; charset=utf-8",
                                     R"({"text":"x","delay_ms":0})"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
}

TEST_F(ConnectTest, UnaryProto) {
  tv1::EchoRequest request;
  request.set_text("binary");
  auto reply = RoundTrip(
      PostRequest(port(), kEchoPath, "application/proto", request.SerializeAsString()));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/proto");
  tv1::EchoResponse response;
  ASSERT_TRUE(response.ParseFromString(reply->body));
  EXPECT_EQ(response.text(), "binary");
}

TEST_F(ConnectTest, ManyCallsOnOneKeepAliveConnection) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(client->Send(PostRequest(port(), kEchoPath, "application/json",
                                         absl::StrCat(R"({"text":"n)", i, R"("})"))));
    auto reply = client->Read();
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(json::parse(reply->body)["text"], absl::StrCat("n", i));
  }
}

TEST_F(ConnectTest, PipelinedRequestsAreAnsweredInOrder) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  // The first answers later (another thread), the second at once: HTTP/1.1 keeps order.
  ASSERT_TRUE(client->Send(
      PostRequest(port(), kEchoPath, "application/json", R"({"text":"slow","delayMs":100})") +
      PostRequest(port(), kEchoPath, "application/json", R"({"text":"fast"})")));
  auto first = client->Read();
  auto second = client->Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(json::parse(first->body)["text"], "slow");
  EXPECT_EQ(json::parse(second->body)["text"], "fast");
}

TEST_F(ConnectTest, ServerStreamJson) {
  auto reply = RoundTrip(
      PostRequest(port(), kCountPath, "application/connect+json", Envelope(0, R"({"count":3})")));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(reply->chunked);
  EXPECT_EQ(reply->header("content-type"), "application/connect+json");
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*frames)[i].flags, 0);
    EXPECT_EQ(json::parse((*frames)[i].payload), json({{"n", i + 1}}));
  }
  EXPECT_EQ((*frames)[3].flags, 0x02);
  EXPECT_EQ(json::parse((*frames)[3].payload), json({{"metadata", json::object()}}));
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
}

TEST_F(ConnectTest, ServerStreamProto) {
  tv1::CountRequest request;
  request.set_count(2);
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/connect+proto",
                                     Envelope(0, request.SerializeAsString())));
  ASSERT_TRUE(reply);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 3u);
  tv1::CountResponse message;
  ASSERT_TRUE(message.ParseFromString((*frames)[1].payload));
  EXPECT_EQ(message.n(), 2);
  EXPECT_EQ((*frames)[2].flags, 0x02);
  // The end message is JSON whatever the codec.
  EXPECT_EQ((*frames)[2].payload, R"({"metadata":{}})");
}

TEST_F(ConnectTest, EmptyStreamIsOneCompleteResponse) {
  auto reply = RoundTrip(
      PostRequest(port(), kCountPath, "application/connect+json", Envelope(0, R"({"count":0})")));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 1u);
  EXPECT_EQ((*frames)[0].flags, 0x02);
}

TEST_F(ConnectTest, StreamRefusedByAuthEndsWithErrorInEndMessage) {
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/connect+json",
                                     Envelope(0, R"({"count":3})"), "", "wrong-token"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 1);
  EXPECT_EQ((*frames)[0].flags, 0x02);
  json end = json::parse((*frames)[0].payload);
  EXPECT_EQ(end["error"]["code"], "unauthenticated");
  EXPECT_EQ(end["error"]["details"], json::array());
  EXPECT_EQ(end["metadata"], json::object());
}

TEST_F(ConnectTest, MissingTokenIs401Unauthenticated) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", R"({"text":"hi"})",
                                     "", /*token=*/""));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "unauthenticated");
  EXPECT_NE(body["message"].get<std::string>().find("no token"), std::string::npos);
  EXPECT_EQ(body["details"], json::array());
}

TEST_F(ConnectTest, WrongTokenIs401AndNeverEchoed) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", R"({"text":"hi"})",
                                     "", "s3cret-guess"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->body.find("s3cret-guess"), std::string::npos);
}

TEST_F(ConnectTest, UnknownMethodIs404Unimplemented) {
  auto reply = RoundTrip(PostRequest(port(), "/pipebridge.testing.v1.TestService/Nope",
                                     "application/json", "{}"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "unimplemented");
  EXPECT_NE(body["message"].get<std::string>().find("TestService/Nope"), std::string::npos);
}

TEST_F(ConnectTest, BadJsonNamesTheFieldPath) {
  auto reply = RoundTrip(
      PostRequest(port(), kEchoPath, "application/json", R"({"text":"hi","colour":1})"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "invalid_argument");
  EXPECT_NE(body["message"].get<std::string>().find("colour"), std::string::npos)
      << body.dump();

  auto wrong_type = RoundTrip(
      PostRequest(port(), kEchoPath, "application/json", R"({"text":"hi","delayMs":"x"})"));
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400);
  EXPECT_NE(json::parse(wrong_type->body)["message"].get<std::string>().find("delayMs"),
            std::string::npos);

  auto not_json = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{nope"));
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  EXPECT_EQ(json::parse(not_json->body)["code"], "invalid_argument");

  auto empty = RoundTrip(PostRequest(port(), kEchoPath, "application/json", ""));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
}

TEST_F(ConnectTest, BadBinaryIsInvalidArgument) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/proto", "\xff\xff\xff"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(json::parse(reply->body)["message"].get<std::string>().find(
                "pipebridge.testing.v1.EchoRequest"),
            std::string::npos);
}

TEST_F(ConnectTest, InvalidEnvelopeOnAStream) {
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/connect+json",
                                     std::string("\x00\x00\x00\x00\x50{}", 7)));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);  // a stream's errors travel in its end message
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 1);
  json end = json::parse((*frames)[0].payload);
  EXPECT_EQ(end["error"]["code"], "invalid_argument");
  EXPECT_NE(end["error"]["message"].get<std::string>().find("invalid envelope"),
            std::string::npos);
}

TEST_F(ConnectTest, WrongContentTypeIs415) {
  auto text = RoundTrip(PostRequest(port(), kEchoPath, "text/plain", "hi"));
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 415);
  EXPECT_FALSE(text->header("accept-post").empty());
  // A unary media type on a stream, and a stream's on a unary method.
  auto unary_on_stream = RoundTrip(PostRequest(port(), kCountPath, "application/json", "{}"));
  ASSERT_TRUE(unary_on_stream);
  EXPECT_EQ(unary_on_stream->status, 415);
  auto stream_on_unary = RoundTrip(
      PostRequest(port(), kEchoPath, "application/connect+json", Envelope(0, "{}")));
  ASSERT_TRUE(stream_on_unary);
  EXPECT_EQ(stream_on_unary->status, 415);
  // Native gRPC needs HTTP/2.
  auto grpc = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc", Envelope(0, "")));
  ASSERT_TRUE(grpc);
  EXPECT_EQ(grpc->status, 415);
}

TEST_F(ConnectTest, BidiMethodIsUnimplemented) {
  auto reply = RoundTrip(
      PostRequest(port(), kChatPath, "application/connect+json", Envelope(0, R"({"text":"a"})")));
  ASSERT_TRUE(reply);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 1);
  json end = json::parse((*frames)[0].payload);
  EXPECT_EQ(end["error"]["code"], "unimplemented");
  EXPECT_NE(end["error"]["message"].get<std::string>().find("gRPC"), std::string::npos);
}

TEST_F(ConnectTest, DeadlineEndsTheCallAndCancelsTheHandler) {
  const absl::Time start = absl::Now();
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json",
                                     R"({"text":"hi","delayMs":5000})",
                                     "Connect-Timeout-Ms: 100\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(reply->status, 504);
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "deadline_exceeded");
  EXPECT_NE(body["message"].get<std::string>().find("100 ms"), std::string::npos);
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }));
}

TEST_F(ConnectTest, DeadlineEndsAStream) {
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/connect+json",
                                     Envelope(0, R"({"count":-1})"), "Connect-Timeout-Ms: 100\r\n"));
  ASSERT_TRUE(reply);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && !frames->empty());
  EXPECT_EQ(json::parse(frames->back().payload)["error"]["code"], "deadline_exceeded");
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
}

TEST_F(ConnectTest, BadHeadersAreInvalidArgumentOrUnimplemented) {
  auto timeout = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                       "Connect-Timeout-Ms: soon\r\n"));
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->status, 400);
  EXPECT_NE(timeout->body.find("Connect-Timeout-Ms"), std::string::npos);
  auto version = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                       "Connect-Protocol-Version: 2\r\n"));
  ASSERT_TRUE(version);
  EXPECT_EQ(version->status, 400);
  auto brotli = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                      "Content-Encoding: br\r\n"));
  ASSERT_TRUE(brotli);
  EXPECT_EQ(brotli->status, 501);
  EXPECT_EQ(json::parse(brotli->body)["code"], "unimplemented");
}

TEST_F(ConnectTest, ClientClosingAStreamCancelsItsHandler) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kCountPath, "application/connect+json",
                                       Envelope(0, R"({"count":-1})"))));
  auto head = client->ReadHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  client.reset();  // the client goes away mid-stream
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return handler_->calls_in_flight() == 0; }));
}

TEST_F(ConnectTest, ClientClosingCancelsASlowUnaryCall) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kEchoPath, "application/json",
                                       R"({"text":"x","delayMs":5000})")));
  absl::SleepFor(absl::Milliseconds(50));
  client.reset();
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }));
  EXPECT_TRUE(WaitFor([&] { return handler_->calls_in_flight() == 0; }));
}

TEST_F(ConnectTest, LongStreamIsWrittenInOrderWithBackpressure) {
  // 20000 messages while the client reads nothing for a while: the handler produces the next
  // only when the previous was written, so nothing is lost or reordered once it reads.
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kCountPath, "application/connect+proto",
                                       Envelope(0, std::string("\x08\xa0\x9c\x01", 4)))));
  absl::SleepFor(absl::Milliseconds(200));
  auto reply = client->Read(absl::Seconds(30));
  ASSERT_TRUE(reply);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 20001u);
  for (int i = 0; i < 20000; i += 997) {
    tv1::CountResponse message;
    ASSERT_TRUE(message.ParseFromString((*frames)[i].payload));
    EXPECT_EQ(message.n(), i + 1);
  }
}

TEST_F(ConnectTest, ConnectionCarriesOnAfterAStream) {
  // A chunked stream, then a unary call pipelined behind a second stream, on one connection.
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kCountPath, "application/connect+json",
                                       Envelope(0, R"({"count":2})"))));
  auto first = client->Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(SplitEnvelopes(first->body)->size(), 3u);
  ASSERT_TRUE(client->Send(
      PostRequest(port(), kCountPath, "application/connect+json", Envelope(0, R"({"count":1})")) +
      PostRequest(port(), kEchoPath, "application/json", R"({"text":"after"})")));
  auto second = client->Read();
  auto third = client->Read();
  ASSERT_TRUE(second && third);
  EXPECT_EQ(SplitEnvelopes(second->body)->size(), 2u);
  EXPECT_EQ(json::parse(third->body)["text"], "after");
}

TEST_F(ConnectTest, Http10StreamEndsWithTheConnection) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  const std::string body = Envelope(0, R"({"count":2})");
  ASSERT_TRUE(client->Send(absl::StrCat(
      "POST ", kCountPath, " HTTP/1.0\r\nHost: 127.0.0.1:", port(),
      "\r\nContent-Type: application/connect+json\r\nAuthorization: Bearer ", kToken,
      "\r\nContent-Length: ", body.size(), "\r\n\r\n", body)));
  auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_FALSE(reply->chunked);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 3u);
  EXPECT_EQ((*frames)[2].flags, 0x02);
}

TEST_F(ConnectTest, ShutdownEndsOpenStreams) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kCountPath, "application/connect+json",
                                       Envelope(0, R"({"count":-1})"))));
  ASSERT_TRUE(client->ReadHead());
  handler_->Shutdown(absl::Milliseconds(100));
  EXPECT_EQ(handler_->calls_in_flight(), 0);
  EXPECT_EQ(probe_.streams_done.load(), 1);
}

}  // namespace
}  // namespace pipebridge::connect::testing
