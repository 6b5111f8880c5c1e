// Connect unary GET over real sockets: the message in the query (percent-encoded JSON, or
// base64url binary, optionally gzip), served for methods marked NO_SIDE_EFFECTS only.
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/connect/gzip.h"
#include "nlohmann/json.hpp"
#include "pipebridge/v1/bridge.pb.h"
#include "tests/connect/connect_test_fixture.h"

namespace pipebridge::connect::testing {
namespace {

using nlohmann::json;

// RFC 3986 unreserved characters stay, every other byte is %XX (as encodeURIComponent does).
std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, "%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    }
  }
  return out;
}

std::string PingTarget(absl::string_view query) { return absl::StrCat(kPingPath, "?", query); }

TEST_F(ConnectTest, GetWithPercentEncodedJson) {
  auto reply = RoundTrip(GetRequest(
      port(), PingTarget(absl::StrCat("connect=v1&encoding=json&message=",
                                      PercentEncode(R"({"payload": "aGVsbG8="})")))));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(json::parse(reply->body), json({{"payload", "aGVsbG8="}}));
}

TEST_F(ConnectTest, GetWithBase64Proto) {
  pipebridge::v1::PingRequest request;
  request.set_payload("proto \xc3\xbc GET ~?>");  // not ASCII, and not URL-safe as it is
  // Parameters in another order than the specification's, plus one it does not know.
  auto reply = RoundTrip(GetRequest(
      port(), PingTarget(absl::StrCat("message=", absl::WebSafeBase64Escape(request.SerializeAsString()),
                                      "&cache=bust&base64=1&encoding=proto"))));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->header("content-type"), "application/proto");
  pipebridge::v1::PingResponse response;
  ASSERT_TRUE(response.ParseFromString(reply->body));
  EXPECT_EQ(response.payload(), request.payload());
}

TEST_F(ConnectTest, GetWithGzipBothWays) {
  const std::string payload(6000, 'z');
  pipebridge::v1::PingRequest request;
  request.set_payload(payload);
  const std::string compressed = Gzip(request.SerializeAsString());
  auto reply = RoundTrip(GetRequest(
      port(),
      PingTarget(absl::StrCat("connect=v1&base64=1&compression=gzip&encoding=proto&message=",
                              absl::WebSafeBase64Escape(compressed))),
      "Accept-Encoding: gzip\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->header("content-encoding"), "gzip");
  auto inflated = Gunzip(reply->body, 1 << 20, "the response");
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  pipebridge::v1::PingResponse response;
  ASSERT_TRUE(response.ParseFromString(*inflated));
  EXPECT_EQ(response.payload(), payload);
}

TEST_F(ConnectTest, GetWithoutMessageIsTheEmptyMessage) {
  auto reply = RoundTrip(GetRequest(port(), PingTarget("encoding=proto")));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_TRUE(reply->body.empty());
}

TEST_F(ConnectTest, GetOfAMethodWithSideEffectsIs405) {
  for (const char* path : {kEchoPath, kCountPath}) {
    auto reply = RoundTrip(GetRequest(port(), absl::StrCat(path, "?encoding=json&message=%7B%7D")));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 405) << path;
    EXPECT_EQ(reply->header("allow"), "POST") << path;
    json body = json::parse(reply->body);
    EXPECT_EQ(body["code"], "unimplemented");
    EXPECT_NE(body["message"].get<std::string>().find("NO_SIDE_EFFECTS"), std::string::npos);
  }
  // POST still serves it, and POST serves the GET-able method too.
  auto post = RoundTrip(PostRequest(port(), kPingPath, "application/json", R"({"payload":"eA=="})"));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
}

TEST_F(ConnectTest, GetUnknownMethodIs404) {
  auto reply = RoundTrip(GetRequest(port(), "/pipebridge.v1.BridgeService/Nope?encoding=json"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
  EXPECT_EQ(json::parse(reply->body)["code"], "unimplemented");
}

TEST_F(ConnectTest, GetNeedsTheToken) {
  auto reply = RoundTrip(GetRequest(port(), PingTarget("encoding=json&message=%7B"), "", ""));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(json::parse(reply->body)["code"], "unauthenticated");
}

TEST_F(ConnectTest, GetErrorsNameTheParameter) {
  auto no_encoding = RoundTrip(GetRequest(port(), PingTarget("message=%7B%7D")));
  ASSERT_TRUE(no_encoding);
  EXPECT_EQ(no_encoding->status, 415);
  EXPECT_NE(no_encoding->body.find("encoding=json or encoding=proto"), std::string::npos);

  auto yaml = RoundTrip(GetRequest(port(), PingTarget("encoding=yaml&message=x")));
  ASSERT_TRUE(yaml);
  EXPECT_EQ(yaml->status, 415);

  auto version = RoundTrip(GetRequest(port(), PingTarget("connect=v2&encoding=json&message=%7B%7D")));
  ASSERT_TRUE(version);
  EXPECT_EQ(version->status, 400);
  EXPECT_EQ(json::parse(version->body)["message"],
            "query parameter connect: \"v2\" is not supported; this server speaks v1");

  auto brotli = RoundTrip(
      GetRequest(port(), PingTarget("compression=br&base64=1&encoding=json&message=e30")));
  ASSERT_TRUE(brotli);
  EXPECT_EQ(brotli->status, 501);
  EXPECT_EQ(json::parse(brotli->body)["message"],
            "query parameter compression: compression \"br\" is not supported; supported: gzip, "
            "identity");

  auto escape = RoundTrip(GetRequest(port(), PingTarget("encoding=json&message=%7")));
  ASSERT_TRUE(escape);
  EXPECT_EQ(escape->status, 400);
  EXPECT_EQ(json::parse(escape->body)["code"], "invalid_argument");

  auto field = RoundTrip(GetRequest(
      port(), PingTarget(absl::StrCat("encoding=json&message=", PercentEncode(R"({"colour":1})")))));
  ASSERT_TRUE(field);
  EXPECT_EQ(field->status, 400);
  EXPECT_NE(json::parse(field->body)["message"].get<std::string>().find("colour"),
            std::string::npos);

  auto timeout = RoundTrip(GetRequest(port(), PingTarget("encoding=json&message=%7B%7D"),
                                      "Connect-Timeout-Ms: soon\r\n"));
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->status, 400);
}

TEST_F(ConnectTest, GetKeepsTheConnectionForTheNextRequest) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client->Send(GetRequest(port(), PingTarget("encoding=json&message=%7B%7D"))));
    auto reply = client->Read();
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(json::parse(reply->body), json({{"payload", ""}}));
  }
}

}  // namespace
}  // namespace pipebridge::connect::testing
