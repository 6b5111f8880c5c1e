// White-box tests of the envelope parser, the error mapping and the origin policy.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "adapters/jsonrpc/jsonrpc_envelope.h"
#include "adapters/jsonrpc/jsonrpc_errors.h"
#include "adapters/jsonrpc/origin_policy.h"
#include "adapters/jsonrpc/request_target.h"

namespace pipebridge::jsonrpc {
namespace {

ParsedMessage Parse(const std::string& text) {
  // The result's string views point into the parsed buffer: keep every buffer alive.
  static std::deque<std::string> buffers;
  const std::string& padded = buffers.emplace_back(text + std::string(kPadding, ' '));
  ParsedMessage parsed;
  ParseMessage(padded.data(), text.size(), &parsed);
  return parsed;
}

TEST(EnvelopeTest, RequestMembers) {
  ParsedMessage parsed =
      Parse(R"({"jsonrpc":"2.0","id": "x" ,"method":"a/B","params":{"k":[1,{"z":2}]}})");
  ASSERT_TRUE(parsed.parse_error.empty()) << parsed.parse_error;
  ASSERT_EQ(parsed.items.size(), 1u);
  const Envelope& e = parsed.items[0];
  EXPECT_EQ(e.kind, Envelope::Kind::kRequest);
  EXPECT_EQ(e.id, "\"x\"");
  EXPECT_EQ(e.method, "a/B");
  EXPECT_EQ(e.params, R"({"k":[1,{"z":2}]})");
}

TEST(EnvelopeTest, NotificationAndResponse) {
  EXPECT_EQ(Parse(R"({"jsonrpc":"2.0","method":"m"})").items[0].kind,
            Envelope::Kind::kNotification);
  ParsedMessage response = Parse(R"({"jsonrpc":"2.0","id":"s:1","result":[1,2]})");
  EXPECT_EQ(response.items[0].kind, Envelope::Kind::kResponse);
  EXPECT_EQ(response.items[0].result, "[1,2]");
}

TEST(EnvelopeTest, DuplicateMembersAreInvalid) {
  ParsedMessage parsed = Parse(R"({"jsonrpc":"2.0","id":1,"method":"a","method":"b"})");
  EXPECT_EQ(parsed.items[0].kind, Envelope::Kind::kInvalid);
  EXPECT_NE(parsed.items[0].problem.find("twice"), std::string::npos);
}

TEST(EnvelopeTest, InvalidJsonInsideParamsIsAParseError) {
  EXPECT_FALSE(Parse(R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x":[1,}})").parse_error.empty());
  EXPECT_FALSE(Parse(R"({"jsonrpc":"2.0","id":01,"method":"a"})").parse_error.empty());
}

TEST(EnvelopeTest, JsonNumbers) {
  for (const char* good : {"0", "-1", "1.5", "1e10", "-0.5E-3", "123456789012345678901234567890"}) {
    EXPECT_TRUE(IsJsonNumber(good)) << good;
  }
  for (const char* bad : {"", "-", "01", "1.", ".5", "1e", "+1", "0x1", "1 "}) {
    EXPECT_FALSE(IsJsonNumber(bad)) << bad;
  }
}

TEST(ErrorsTest, StatusErrorCarriesTheGrpcCodeAndName) {
  std::string out;
  AppendStatusError(absl::NotFoundError("no \"shot\""), &out);
  EXPECT_EQ(out,
            R"("error":{"code":5,"message":"no \"shot\"","data":{"status":"NOT_FOUND","details":[]}})");
  out.clear();
  AppendProtocolError(ProtocolError::kMethodNotFound, "m", &out);
  EXPECT_EQ(out, R"("error":{"code":-32601,"message":"m","data":{"status":"UNIMPLEMENTED","details":[]}})");
}

TEST(OriginPolicyTest, Hosts) {
  EXPECT_TRUE(HostAllowed("127.0.0.1:8080", 8080, {}));
  EXPECT_TRUE(HostAllowed("LocalHost:8080", 8080, {}));
  EXPECT_TRUE(HostAllowed("[::1]:8080", 8080, {}));
  EXPECT_FALSE(HostAllowed("127.0.0.1:8081", 8080, {}));
  EXPECT_FALSE(HostAllowed("127.0.0.1", 8080, {}));
  EXPECT_FALSE(HostAllowed("evil.example:8080", 8080, {}));
  EXPECT_TRUE(HostAllowed("workstation:8080", 8080, {"workstation"}));
}

TEST(OriginPolicyTest, Origins) {
  std::vector<std::string> allowed = {"http://localhost:*", "file://"};
  EXPECT_TRUE(OriginAllowed(std::nullopt, allowed, true));
  EXPECT_FALSE(OriginAllowed(std::nullopt, allowed, false));
  EXPECT_TRUE(OriginAllowed("http://localhost:3000", allowed, true));
  EXPECT_TRUE(OriginAllowed("http://localhost", allowed, true));
  EXPECT_TRUE(OriginAllowed("file://", allowed, true));
  EXPECT_FALSE(OriginAllowed("http://localhost.evil.example", allowed, true));
  EXPECT_FALSE(OriginAllowed("http://localhost:3000@evil", allowed, true));
  EXPECT_FALSE(OriginAllowed("null", allowed, true));
  EXPECT_FALSE(OriginAllowed("https://example.com", allowed, true));
}

TEST(OriginPolicyTest, TokensFromTheUpgradeRequest) {
  SubprotocolOffer offer = ParseSubprotocols("pipebridge.v1, token.abc");
  EXPECT_TRUE(offer.pipebridge);
  EXPECT_EQ(offer.token, "abc");
  EXPECT_EQ(QueryToken("/rpc?x=1&token=a%2Bb"), "a+b");
  EXPECT_EQ(QueryToken("/rpc?token=a%2Bb#frag"), "a+b");
  EXPECT_EQ(QueryToken("/rpc"), std::nullopt);
  // A malformed escape is kept as sent, so the token is wrong, not missing.
  EXPECT_EQ(QueryToken("/rpc?token=ab%zz"), "ab%zz");
}

TEST(RequestTargetTest, PathAndQuery) {
  EXPECT_EQ(TargetPath("/rpc?token=1"), "/rpc");
  EXPECT_EQ(TargetPath("/rpc#x"), "/rpc");
  EXPECT_EQ(TargetQuery("/a.B/C?encoding=json&message=x"), "encoding=json&message=x");
  EXPECT_EQ(TargetQuery("/a.B/C"), "");
  EXPECT_EQ(TargetQuery("/a.B/C?x=1#frag"), "x=1");
}

TEST(RequestTargetTest, FormDecodeReportsTheFirstBadEscape) {
  EXPECT_EQ(FormDecode("a+b%2Fc%7e"), "a b/c~");
  EXPECT_EQ(FormDecode(""), "");
  size_t bad_escape = 99;
  EXPECT_EQ(FormDecode("ok%41%4", &bad_escape), std::nullopt);
  EXPECT_EQ(bad_escape, 5u);
  EXPECT_EQ(FormDecode("%g1", &bad_escape), std::nullopt);
  EXPECT_EQ(bad_escape, 0u);
  EXPECT_EQ(FormDecode("100%"), std::nullopt);
}

}  // namespace
}  // namespace pipebridge::jsonrpc
