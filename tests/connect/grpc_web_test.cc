// gRPC-Web over real sockets: binary, JSON and text (base64) bodies, unary and server
// streaming, the trailers frame, trailers-only errors, grpc-timeout.
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "adapters/connect/grpc_web_text.h"
#include "nlohmann/json.hpp"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/connect/connect_test_fixture.h"

namespace pipebridge::connect::testing {
namespace {

using nlohmann::json;
namespace tv1 = pipebridge::testing::v1;

std::string EchoBody(const std::string& text, int delay_ms = 0) {
  tv1::EchoRequest request;
  request.set_text(text);
  request.set_delay_ms(delay_ms);
  return Envelope(0, request.SerializeAsString());
}

TEST_F(ConnectTest, GrpcWebUnaryBinary) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                     EchoBody("web"), "X-Grpc-Web: 1\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/grpc-web+proto");
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 2u);
  tv1::EchoResponse response;
  ASSERT_TRUE(response.ParseFromString((*frames)[0].payload));
  EXPECT_EQ(response.text(), "web");
  EXPECT_EQ((*frames)[1].flags, 0x80);
  EXPECT_EQ((*frames)[1].payload, "grpc-status:0\r\n");
}

TEST_F(ConnectTest, GrpcWebUnaryJson) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+json",
                                     Envelope(0, R"({"text":"j"})")));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("content-type"), "application/grpc-web+json");
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 2);
  EXPECT_EQ(json::parse((*frames)[0].payload), json({{"text", "j"}}));
}

TEST_F(ConnectTest, GrpcWebTextIsBase64BothWays) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web-text",
                                     absl::Base64Escape(EchoBody("b64"))));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/grpc-web-text+proto");
  // Each frame is its own padded base64 run.
  std::string decoded;
  size_t pos = 0;
  while (pos < reply->body.size()) {
    size_t end = reply->body.find('=', pos);
    while (end != std::string::npos && end + 1 < reply->body.size() && reply->body[end + 1] == '=') {
      ++end;
    }
    std::string run = reply->body.substr(pos, end == std::string::npos ? std::string::npos
                                                                        : end + 1 - pos);
    std::string part;
    ASSERT_TRUE(absl::Base64Unescape(run, &part)) << run;
    decoded += part;
    pos = end == std::string::npos ? reply->body.size() : end + 1;
  }
  auto frames = SplitEnvelopes(decoded);
  ASSERT_TRUE(frames && frames->size() == 2);
  tv1::EchoResponse response;
  ASSERT_TRUE(response.ParseFromString((*frames)[0].payload));
  EXPECT_EQ(response.text(), "b64");

  auto bad = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web-text", "!!notb64"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->header("grpc-status"), "3");
}

TEST_F(ConnectTest, GrpcWebTextBodyOfSeveralPaddedChunks) {
  // A browser writing the request in pieces base64s each piece on its own: padding then
  // appears inside the body ("AAAAAA==" + "CgVj..." + ...).
  const std::string frame = EchoBody("chunked text");
  const std::string body = absl::Base64Escape(frame.substr(0, 4)) +
                           absl::Base64Escape(frame.substr(4, 5)) +
                           absl::Base64Escape(frame.substr(9));
  ASSERT_NE(body.find('='), body.size() - 1) << "padding inside the body";
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web-text", body));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("grpc-status"), "") << reply->header("grpc-message");
  // The response is padded runs too: decoded by the same reader.
  std::string decoded;
  ASSERT_TRUE(DecodeGrpcWebText(reply->body, &decoded).ok());
  auto frames = SplitEnvelopes(decoded);
  ASSERT_TRUE(frames && frames->size() == 2);
  tv1::EchoResponse response;
  ASSERT_TRUE(response.ParseFromString((*frames)[0].payload));
  EXPECT_EQ(response.text(), "chunked text");

  auto broken = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web-text",
                                      body.substr(0, 8) + "*" + body.substr(8)));
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->header("grpc-status"), "3");
  EXPECT_EQ(broken->header("grpc-message"),
            "the application/grpc-web-text body is not base64: invalid character '*' at offset 8");
}

TEST_F(ConnectTest, GrpcWebServerStream) {
  tv1::CountRequest request;
  request.set_count(3);
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/grpc-web+proto",
                                     Envelope(0, request.SerializeAsString())));
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->chunked);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 4u);
  for (int i = 0; i < 3; ++i) {
    tv1::CountResponse message;
    ASSERT_TRUE(message.ParseFromString((*frames)[i].payload));
    EXPECT_EQ(message.n(), i + 1);
  }
  EXPECT_EQ((*frames)[3].flags, 0x80);
  EXPECT_EQ((*frames)[3].payload, "grpc-status:0\r\n");
}

TEST_F(ConnectTest, GrpcWebErrorsAreTrailersOnly) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                     EchoBody("x"), "", /*token=*/""));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("grpc-status"), "16");
  EXPECT_NE(reply->header("grpc-message").find("no token"), std::string::npos);
  EXPECT_TRUE(reply->body.empty());

  auto unknown = RoundTrip(PostRequest(port(), "/pipebridge.testing.v1.TestService/Nope",
                                       "application/grpc-web+proto", Envelope(0, "")));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->header("grpc-status"), "12");

  auto bad_envelope = RoundTrip(
      PostRequest(port(), kEchoPath, "application/grpc-web+proto", std::string("\x00\x00", 2)));
  ASSERT_TRUE(bad_envelope);
  EXPECT_EQ(bad_envelope->header("grpc-status"), "3");
  // grpc-message is percent-encoded.
  EXPECT_NE(bad_envelope->header("grpc-message").find("invalid envelope"), std::string::npos);
}

TEST_F(ConnectTest, GrpcWebStreamErrorAfterMessagesIsInTheTrailersFrame) {
  tv1::CountRequest request;
  request.set_count(-1);
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/grpc-web+proto",
                                     Envelope(0, request.SerializeAsString()),
                                     "grpc-timeout: 100m\r\n"));
  ASSERT_TRUE(reply);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 1);
  EXPECT_EQ((*frames)[0].flags, 0x80);
  EXPECT_NE((*frames)[0].payload.find("grpc-status:4\r\n"), std::string::npos);
  EXPECT_NE((*frames)[0].payload.find("grpc-message:deadline exceeded"), std::string::npos);
}

TEST_F(ConnectTest, GrpcWebTimeout) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                     EchoBody("slow", 5000), "grpc-timeout: 100m\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("grpc-status"), "4");
  EXPECT_TRUE(WaitFor([&] { return probe_.cancellations.load() == 1; }));

  auto bad = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                   EchoBody("x"), "grpc-timeout: 1x\r\n"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->header("grpc-status"), "3");
  EXPECT_NE(bad->header("grpc-message").find("grpc-timeout"), std::string::npos);
}

}  // namespace
}  // namespace pipebridge::connect::testing
