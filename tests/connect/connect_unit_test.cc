// The pure pieces: envelope framing, timeout headers, grpc-message encoding, the status tables.
#include <gtest/gtest.h>

#include "adapters/connect/connect_codes.h"
#include "adapters/connect/connect_protocol.h"
#include "adapters/connect/envelope.h"
#include "adapters/connect/grpc_web_protocol.h"

namespace pipebridge::connect {
namespace {

TEST(Envelope, RoundTrips) {
  std::string out;
  AppendEnvelope(0x02, "hello", &out);
  ASSERT_EQ(out.size(), 10u);
  EXPECT_EQ(out.substr(0, 5), std::string("\x02\x00\x00\x00\x05", 5));
  std::string request;
  AppendEnvelope(0, "abc", &request);
  auto parsed = ParseSingleEnvelope(request);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->payload, "abc");
  EXPECT_EQ(parsed->flags, 0);
}

TEST(Envelope, RefusesBrokenBodiesNamingWhy) {
  auto truncated = ParseSingleEnvelope(std::string("\x00\x00\x00", 3));
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.status().message().find("fewer than the 5-byte"), std::string::npos);

  auto short_payload = ParseSingleEnvelope(std::string("\x00\x00\x00\x00\x09" "abc", 8));
  EXPECT_EQ(short_payload.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(short_payload.status().message().find("announces 9 bytes"), std::string::npos);

  std::string two;
  AppendEnvelope(0, "a", &two);
  AppendEnvelope(0, "b", &two);
  auto second = ParseSingleEnvelope(two);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(second.status().message().find("exactly one message"), std::string::npos);

  // The compressed flag is framing-valid; whether a compression was named is the caller's.
  std::string compressed;
  AppendEnvelope(kFlagCompressed, "x", &compressed);
  ASSERT_TRUE(ParseSingleEnvelope(compressed).ok());
  EXPECT_EQ(ParseSingleEnvelope(compressed)->flags, kFlagCompressed);

  std::string end_stream;
  AppendEnvelope(kFlagConnectEndStream, "{}", &end_stream);
  EXPECT_EQ(ParseSingleEnvelope(end_stream).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Timeouts, ConnectTimeoutMs) {
  EXPECT_EQ(*ParseConnectTimeout("1500"), absl::Milliseconds(1500));
  EXPECT_EQ(*ParseConnectTimeout("0"), absl::ZeroDuration());
  EXPECT_FALSE(ParseConnectTimeout("").ok());
  EXPECT_FALSE(ParseConnectTimeout("-5").ok());
  EXPECT_FALSE(ParseConnectTimeout("12345678901").ok());  // 11 digits
  EXPECT_FALSE(ParseConnectTimeout("1.5").ok());
  EXPECT_NE(ParseConnectTimeout("abc").status().message().find("Connect-Timeout-Ms"),
            std::string::npos);
}

TEST(Timeouts, GrpcTimeout) {
  EXPECT_EQ(*ParseGrpcTimeout("250m"), absl::Milliseconds(250));
  EXPECT_EQ(*ParseGrpcTimeout("2S"), absl::Seconds(2));
  EXPECT_EQ(*ParseGrpcTimeout("1H"), absl::Hours(1));
  EXPECT_EQ(*ParseGrpcTimeout("99999999n"), absl::Nanoseconds(99999999));
  EXPECT_FALSE(ParseGrpcTimeout("123456789m").ok());  // 9 digits
  EXPECT_FALSE(ParseGrpcTimeout("10").ok());
  EXPECT_FALSE(ParseGrpcTimeout("m").ok());
  EXPECT_FALSE(ParseGrpcTimeout("1x").ok());
}

TEST(GrpcMessage, PercentEncodesNonPrintableAndPercent) {
  EXPECT_EQ(PercentEncodeGrpcMessage("plain text: ok"), "plain text: ok");
  EXPECT_EQ(PercentEncodeGrpcMessage("50% done\r\n"), "50%25 done%0D%0A");
  EXPECT_EQ(PercentEncodeGrpcMessage("caf\xc3\xa9"), "caf%C3%A9");
}

TEST(Codes, ConnectNamesAndHttpTable) {
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kNotFound), "not_found");
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kCancelled), "canceled");
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kDeadlineExceeded), "deadline_exceeded");
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kCancelled), 499);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(ConnectCodeToHttp(absl::StatusCode::kDeadlineExceeded), 504);
}

TEST(ConnectError, BodyShape) {
  std::string body;
  AppendConnectError(absl::NotFoundError("no \"Shot\" 42"), &body);
  EXPECT_EQ(body, R"({"code":"not_found","message":"no \"Shot\" 42","details":[]})");
}

}  // namespace
}  // namespace pipebridge::connect
