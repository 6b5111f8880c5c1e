// The pure codecs of compression, GET and gRPC-Web text: gzip (bounded inflation),
// encoding negotiation, request-message extraction, the GET query, base64 chunks.
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "adapters/connect/compression.h"
#include "adapters/connect/connect_get_query.h"
#include "adapters/connect/envelope.h"
#include "adapters/connect/grpc_web_text.h"
#include "adapters/connect/gzip.h"
#include "adapters/connect/request_message.h"

namespace pipebridge::connect {
namespace {

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

TEST(Gzip, InflatesWhatGnuGzipWrote) {
  // printf 'hello, gzip' | gzip -n -9
  const std::string gnu = Hex("1f8b0800000000000203cb48cdc9c9d75148afca2c00004a9bb15c0b000000");
  auto inflated = Gunzip(gnu, 1024, "the test data");
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, "hello, gzip");
}

TEST(Gzip, InflatesConcatenatedMembers) {
  // printf ab | gzip -n; printf cd | gzip -n (RFC 1952: a file may hold several members)
  const std::string two = Hex("1f8b08000000000000034b4c02006d48839e02000000") +
                          Hex("1f8b08000000000000034b4e0100da8fd64502000000");
  auto inflated = Gunzip(two, 1024, "the test data");
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, "abcd");
}

TEST(Gzip, RoundTripsLargeData) {
  std::string data;
  for (int i = 0; i < 200000; ++i) data.push_back(static_cast<char>('a' + (i * 7919) % 26));
  const std::string compressed = Gzip(data);
  ASSERT_GT(compressed.size(), 18u);
  EXPECT_EQ(compressed.substr(0, 2), "\x1f\x8b");
  auto inflated = Gunzip(compressed, data.size(), "the test data");
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, data);
}

TEST(Gzip, RefusesABombAfterTheLimitNotAfterInflatingIt) {
  // 64 MiB of zeros compress to about 64 KiB; the limit is 1 MiB.
  const std::string bomb = Gzip(std::string(64 << 20, '\0'));
  ASSERT_LT(bomb.size(), 128u << 10);
  auto inflated = Gunzip(bomb, 1 << 20, "the request message");
  ASSERT_EQ(inflated.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(inflated.status().message(),
            "the request message inflates to more than 1048576 bytes, the message limit "
            "(max_message_bytes)");
  // Exactly at the limit is fine.
  EXPECT_TRUE(Gunzip(Gzip(std::string(1 << 20, 'x')), 1 << 20, "x").ok());
}

TEST(Gzip, RefusesCorruptTruncatedAndTrailingData) {
  const std::string good = Gzip("some message bytes");
  auto not_gzip = Gunzip("plain text", 1024, "the request message");
  EXPECT_EQ(not_gzip.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(not_gzip.status().message().find("the request message is not valid gzip"),
            std::string::npos) << not_gzip.status();
  auto truncated = Gunzip(good.substr(0, good.size() - 6), 1024, "the request message");
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.status().message().find("ends in the middle"), std::string::npos)
      << truncated.status();
  auto trailing = Gunzip(good + "junk", 1024, "the request message");
  EXPECT_EQ(trailing.status().code(), absl::StatusCode::kInvalidArgument) << trailing.status();
}

TEST(Compression, RequestEncodings) {
  EXPECT_EQ(*ParseRequestEncoding("Content-Encoding", ""), Compression::kIdentity);
  EXPECT_EQ(*ParseRequestEncoding("Content-Encoding", "identity"), Compression::kIdentity);
  EXPECT_EQ(*ParseRequestEncoding("Content-Encoding", "GZIP"), Compression::kGzip);
  auto br = ParseRequestEncoding("grpc-encoding", "br");
  EXPECT_EQ(br.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(br.status().message(),
            "grpc-encoding: compression \"br\" is not supported; supported: gzip, identity");
}

TEST(Compression, ResponseEncodingFollowsTheClientsOrder) {
  EXPECT_EQ(ChooseResponseEncoding("gzip, br", Compression::kIdentity), Compression::kGzip);
  EXPECT_EQ(ChooseResponseEncoding("br, identity, gzip", Compression::kGzip),
            Compression::kIdentity);
  EXPECT_EQ(ChooseResponseEncoding("br,zstd", Compression::kGzip), Compression::kIdentity);
  EXPECT_EQ(ChooseResponseEncoding("gzip;q=0, deflate", Compression::kIdentity),
            Compression::kIdentity);
  EXPECT_EQ(ChooseResponseEncoding("deflate, gzip;q=0.5", Compression::kIdentity),
            Compression::kGzip);
  // No accept list: the request's own encoding.
  EXPECT_EQ(ChooseResponseEncoding(std::nullopt, Compression::kGzip), Compression::kGzip);
  EXPECT_EQ(ChooseResponseEncoding(std::nullopt, Compression::kIdentity),
            Compression::kIdentity);
}

TEST(RequestMessage, EnvelopedCompressedNeedsANamedEncoding) {
  std::string body;
  AppendEnvelope(kFlagCompressed, Gzip("payload"), &body);
  std::string copy = body;
  auto inflated = EnvelopedRequestMessage(copy, Compression::kGzip, "grpc-encoding", 1024);
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, "payload");

  copy = body;
  auto unnamed = EnvelopedRequestMessage(copy, Compression::kIdentity, "grpc-encoding", 1024);
  EXPECT_EQ(unnamed.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(unnamed.status().message().find("flagged compressed (0x01) but grpc-encoding names "
                                            "no compression"),
            std::string::npos) << unnamed.status();

  // An uncompressed envelope in a gzip request is fine: the flag is per message.
  std::string plain;
  AppendEnvelope(0, "as is", &plain);
  auto as_is = EnvelopedRequestMessage(plain, Compression::kGzip, "grpc-encoding", 1024);
  ASSERT_TRUE(as_is.ok());
  EXPECT_EQ(*as_is, "as is");
}

TEST(RequestMessage, BareZeroLengthIsNeverInflated) {
  std::string empty;
  auto message = BareRequestMessage(empty, Compression::kGzip, 1024);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_TRUE(message->empty());
}

TEST(ConnectGetQuery, ReadsEveryParameterInAnyOrder) {
  auto query = ParseConnectGetQuery(
      "connect=v1&encoding=json&message=%7B%22payload%22%3A%22aGk%3D%22%7D&x=unknown");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->message, R"({"payload":"aGk="})");
  EXPECT_EQ(query->encoding, "json");
  EXPECT_EQ(query->connect_version, "v1");
  EXPECT_EQ(query->compression, "");

  auto plus = ParseConnectGetQuery("message=%7B%22a%22%3A+1%7D&encoding=json");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(plus->message, R"({"a": 1})");
  EXPECT_FALSE(plus->connect_version.has_value());
}

TEST(ConnectGetQuery, Base64IsUrlSafePaddedOrNot) {
  const std::string bytes("\xfb\xff\x00\x01", 4);  // base64url "-_8AAQ" (std: "+/8AAQ==")
  for (const char* text : {"-_8AAQ", "-_8AAQ%3D%3D"}) {
    auto query = ParseConnectGetQuery(std::string("encoding=proto&base64=1&message=") + text);
    ASSERT_TRUE(query.ok()) << text << ": " << query.status();
    EXPECT_EQ(query->message, bytes) << text;
  }
  // base64 other than 1 is ignored: the message is taken as it is.
  auto ignored = ParseConnectGetQuery("encoding=json&base64=yes&message=abc");
  ASSERT_TRUE(ignored.ok());
  EXPECT_EQ(ignored->message, "abc");
}

TEST(ConnectGetQuery, RefusesMalformedQueriesNamingTheParameter) {
  auto escape = ParseConnectGetQuery("encoding=json&message=%7");
  EXPECT_EQ(escape.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(escape.status().message(),
            "query parameter message: invalid percent escape at offset 0 of its value");
  auto twice = ParseConnectGetQuery("encoding=json&encoding=proto&message=");
  EXPECT_EQ(twice.status().message(), "query parameter encoding is given twice");
  auto b64 = ParseConnectGetQuery("encoding=proto&base64=1&message=ab*d");
  EXPECT_EQ(b64.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(b64.status().message().find("not URL-safe base64"), std::string::npos);
}

TEST(GrpcWebText, DecodesConcatenatedPaddedChunks) {
  std::string out;
  // "ab" + "cde" + "f" + "ghi": chunks of 2, 3, 1 and 3 bytes, each base64'd on its own.
  const std::string text = absl::Base64Escape("ab") + absl::Base64Escape("cde") +
                           absl::Base64Escape("f") + absl::Base64Escape("ghi");
  ASSERT_EQ(text, "YWI=Y2RlZg==Z2hp");
  ASSERT_TRUE(DecodeGrpcWebText(text, &out).ok());
  EXPECT_EQ(out, "abcdefghi");
  // An unpadded last chunk, and line breaks, are read as well.
  ASSERT_TRUE(DecodeGrpcWebText("YWI=\r\nY2Q", &out).ok());
  EXPECT_EQ(out, "abcd");
}

TEST(GrpcWebText, NamesTheBadCharacterAndItsOffset) {
  std::string out;
  absl::Status bad = DecodeGrpcWebText("YWI=Y2!l", &out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "the application/grpc-web-text body is not base64: invalid character '!' at offset 6");
  EXPECT_NE(DecodeGrpcWebText("Y===", &out).message().find("padding '=' too early"),
            std::string::npos);
  EXPECT_NE(DecodeGrpcWebText("YW=I", &out).message().find("data after padding"),
            std::string::npos);
  EXPECT_NE(DecodeGrpcWebText("YWI=Y", &out).message().find("last group is incomplete at offset 4"),
            std::string::npos);
}

}  // namespace
}  // namespace pipebridge::connect
