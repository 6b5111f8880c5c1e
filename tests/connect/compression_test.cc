// gzip over real sockets: Connect unary (Content-Encoding / Accept-Encoding), Connect streams
// (Connect-Content-Encoding / Connect-Accept-Encoding, the compressed flag), gRPC-Web
// (grpc-encoding / grpc-accept-encoding, binary and text); unknown encodings; bombs.
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/connect/gzip.h"
#include "nlohmann/json.hpp"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/connect/connect_test_fixture.h"

namespace pipebridge::connect::testing {
namespace {

using nlohmann::json;
namespace tv1 = pipebridge::testing::v1;

std::string EchoJson(const std::string& text) { return json({{"text", text}}).dump(); }

std::string Inflate(const std::string& data) {
  auto inflated = Gunzip(data, 64 << 20, "the response");
  EXPECT_TRUE(inflated.ok()) << inflated.status();
  return inflated.value_or("");
}

TEST_F(ConnectTest, ConnectUnaryGzipRequestAndResponse) {
  const std::string text(5000, 'q');
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json",
                                     Gzip(EchoJson(text)),
                                     "Content-Encoding: gzip\r\nAccept-Encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->header("content-encoding"), "gzip");
  EXPECT_LT(reply->body.size(), text.size() / 10);
  EXPECT_EQ(json::parse(Inflate(reply->body))["text"], text);
}

TEST_F(ConnectTest, ConnectUnaryResponseFollowsAcceptEncoding) {
  const std::string text(5000, 'r');
  // Without Accept-Encoding the response uses the request's own encoding.
  auto same = RoundTrip(PostRequest(port(), kEchoPath, "application/json", Gzip(EchoJson(text)),
                                    "Content-Encoding: gzip\r\n"));
  ASSERT_TRUE(same);
  EXPECT_EQ(same->header("content-encoding"), "gzip");
  // A plain request accepting gzip gets gzip.
  auto accepted = RoundTrip(PostRequest(port(), kEchoPath, "application/json", EchoJson(text),
                                        "Accept-Encoding: br, gzip\r\n"));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->header("content-encoding"), "gzip");
  EXPECT_EQ(json::parse(Inflate(accepted->body))["text"], text);
  // A compressed request whose client accepts only identity gets identity.
  auto identity = RoundTrip(PostRequest(port(), kEchoPath, "application/json",
                                        Gzip(EchoJson(text)),
                                        "Content-Encoding: gzip\r\nAccept-Encoding: identity\r\n"));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->header("content-encoding"), "");
  EXPECT_EQ(json::parse(identity->body)["text"], text);
  // Small responses are not worth compressing.
  auto small = RoundTrip(PostRequest(port(), kEchoPath, "application/json", EchoJson("tiny"),
                                     "Accept-Encoding: gzip\r\n"));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->header("content-encoding"), "");
  EXPECT_EQ(json::parse(small->body)["text"], "tiny");
}

TEST_F(ConnectTest, ConnectUnaryUnknownEncodingIsUnimplementedListingSupported) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                     "Content-Encoding: zstd\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 501);
  EXPECT_EQ(reply->header("accept-encoding"), "gzip");
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "unimplemented");
  EXPECT_EQ(body["message"],
            "Content-Encoding: compression \"zstd\" is not supported; supported: gzip, identity");
}

TEST_F(ConnectTest, ConnectUnaryCorruptGzipIsInvalidArgument) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{\"text\":1}",
                                     "Content-Encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "invalid_argument");
  EXPECT_NE(body["message"].get<std::string>().find("the request message is not valid gzip"),
            std::string::npos) << body;
}

TEST_F(ConnectTest, ZipBombIsRefusedByTheBodyLimitAndTheServerKeepsServing) {
  auto options = DefaultOptions();
  options.max_message_bytes = 64 * 1024;
  StartServer(options);
  // 32 MiB of JSON whitespace inflate from about 32 KiB: under the body limit, far over it
  // once inflated.
  const std::string bomb = Gzip(std::string(32 << 20, ' '));
  ASSERT_LT(bomb.size(), options.max_message_bytes);
  const absl::Time start = absl::Now();
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", bomb,
                                     "Content-Encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(reply->status, 429);
  json body = json::parse(reply->body);
  EXPECT_EQ(body["code"], "resource_exhausted");
  EXPECT_EQ(body["message"],
            "the request message inflates to more than 65536 bytes, the message limit "
            "(max_message_bytes)");
  // The same bomb in a gRPC-Web frame.
  auto web = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                   Envelope(0x01, bomb), "grpc-encoding: gzip\r\n"));
  ASSERT_TRUE(web);
  EXPECT_EQ(web->header("grpc-status"), "8");
  auto after = RoundTrip(PostRequest(port(), kEchoPath, "application/json", EchoJson("ok")));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ConnectTest, ConnectStreamCompressedBothWays) {
  compress_min_bytes_ = 0;  // Count's messages are tiny: compress every one
  StartServer(DefaultOptions());
  auto reply = RoundTrip(PostRequest(
      port(), kCountPath, "application/connect+json", Envelope(0x01, Gzip(R"({"count":3})")),
      "Connect-Content-Encoding: gzip\r\nConnect-Accept-Encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("connect-content-encoding"), "gzip");
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames);
  ASSERT_EQ(frames->size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*frames)[i].flags, 0x01) << i;
    EXPECT_EQ(json::parse(Inflate((*frames)[i].payload)), json({{"n", i + 1}}));
  }
  // The end-of-stream message goes uncompressed (the flag says so).
  EXPECT_EQ((*frames)[3].flags, 0x02);
  EXPECT_EQ((*frames)[3].payload, R"({"metadata":{}})");
}

TEST_F(ConnectTest, ConnectStreamCompressedFlagNeedsAnEncoding) {
  auto reply = RoundTrip(PostRequest(port(), kCountPath, "application/connect+json",
                                     Envelope(0x01, Gzip(R"({"count":3})"))));
  ASSERT_TRUE(reply);
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 1);
  json end = json::parse((*frames)[0].payload);
  EXPECT_EQ(end["error"]["code"], "internal");
  EXPECT_EQ(end["error"]["message"],
            "the request message is flagged compressed (0x01) but Connect-Content-Encoding names "
            "no compression; send it with Connect-Content-Encoding: gzip");
  auto unknown = RoundTrip(PostRequest(port(), kCountPath, "application/connect+json",
                                       Envelope(0, R"({"count":1})"),
                                       "Connect-Content-Encoding: snappy\r\n"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->header("connect-accept-encoding"), "gzip");
  auto unknown_frames = SplitEnvelopes(unknown->body);
  ASSERT_TRUE(unknown_frames && unknown_frames->size() == 1);
  EXPECT_EQ(json::parse((*unknown_frames)[0].payload)["error"]["code"], "unimplemented");
}

TEST_F(ConnectTest, GrpcWebCompressedBothWays) {
  const std::string text(4000, 'w');
  tv1::EchoRequest request;
  request.set_text(text);
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                     Envelope(0x01, Gzip(request.SerializeAsString())),
                                     "grpc-encoding: gzip\r\ngrpc-accept-encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("grpc-encoding"), "gzip");
  auto frames = SplitEnvelopes(reply->body);
  ASSERT_TRUE(frames && frames->size() == 2);
  EXPECT_EQ((*frames)[0].flags, 0x01);
  tv1::EchoResponse response;
  ASSERT_TRUE(response.ParseFromString(Inflate((*frames)[0].payload)));
  EXPECT_EQ(response.text(), text);
  // Trailers are never compressed.
  EXPECT_EQ((*frames)[1].flags, 0x80);
  EXPECT_EQ((*frames)[1].payload, "grpc-status:0\r\n");
}

TEST_F(ConnectTest, GrpcWebTextCompressed) {
  const std::string text(3000, 't');
  tv1::EchoRequest request;
  request.set_text(text);
  auto reply = RoundTrip(PostRequest(
      port(), kEchoPath, "application/grpc-web-text",
      absl::Base64Escape(Envelope(0x01, Gzip(request.SerializeAsString()))),
      "grpc-encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("grpc-status"), "");  // not trailers-only
  EXPECT_EQ(reply->header("grpc-encoding"), "gzip");
}

TEST_F(ConnectTest, GrpcWebUnknownEncodingIsUnimplementedNamingWhatIsAccepted) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                     Envelope(0, ""), "grpc-encoding: lz4\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("grpc-status"), "12");
  EXPECT_EQ(reply->header("grpc-accept-encoding"), "gzip");
  EXPECT_EQ(reply->header("grpc-message"),
            "grpc-encoding: compression \"lz4\" is not supported; supported: gzip, identity");
  auto flagged = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                       Envelope(0x01, Gzip(""))));
  ASSERT_TRUE(flagged);
  EXPECT_EQ(flagged->header("grpc-status"), "13");
}

}  // namespace
}  // namespace pipebridge::connect::testing
