// Identity before work: a request without the right token is UNAUTHENTICATED whatever else is
// wrong with it (body, path, headers), its body is never parsed, and its connection stays
// framed for the next request. Both protocols.
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/connect/connect_test_fixture.h"

namespace pipebridge::connect::testing {
namespace {

using nlohmann::json;

// Sends `refused` then a good Echo on one keep-alive connection: the first must be refused
// with `check`, the second answered, proving the refused body was consumed as framed.
void ExpectRefusedThenServed(int port, const std::string& refused,
                             const std::function<void(const HttpReply&)>& check) {
  auto client = RawHttpClient::Connect(port);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(refused));
  auto reply = client->Read();
  ASSERT_TRUE(reply);
  check(*reply);
  ASSERT_TRUE(client->Send(PostRequest(port, kEchoPath, "application/json", R"({"text":"next"})")));
  auto next = client->Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << next->body;
  EXPECT_EQ(json::parse(next->body)["text"], "next");
}

void ExpectConnect401(const HttpReply& reply, const std::string& fragment) {
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.header("www-authenticate"), "Bearer realm=\"pipebridge\"");
  json body = json::parse(reply.body);
  EXPECT_EQ(body["code"], "unauthenticated");
  EXPECT_NE(body["message"].get<std::string>().find(fragment), std::string::npos)
      << body["message"];
}

TEST_F(ConnectTest, ConnectNoTokenAndABadBodyIsUnauthenticated) {
  ExpectRefusedThenServed(
      port(), PostRequest(port(), kEchoPath, "application/json", "{not json", "", ""),
      [](const HttpReply& reply) { ExpectConnect401(reply, "no token"); });
}

TEST_F(ConnectTest, ConnectWrongTokenAndAnUnknownFieldIsUnauthenticated) {
  ExpectRefusedThenServed(
      port(),
      PostRequest(port(), kEchoPath, "application/json", R"({"colour":1})", "", "guess"),
      [](const HttpReply& reply) {
        ExpectConnect401(reply, "wrong token");
        EXPECT_EQ(reply.body.find("guess"), std::string::npos);
      });
}

TEST_F(ConnectTest, ConnectAuthWinsOverUnknownPathsAndBadHeaders) {
  auto path = RoundTrip(PostRequest(port(), "/pipebridge.testing.v1.TestService/Nope",
                                    "application/json", "{}", "", ""));
  ASSERT_TRUE(path);
  ExpectConnect401(*path, "no token");
  auto headers = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                       "Connect-Timeout-Ms: soon\r\nContent-Encoding: br\r\n",
                                       ""));
  ASSERT_TRUE(headers);
  ExpectConnect401(*headers, "no token");
}

TEST_F(ConnectTest, ConnectOtherSchemesAreNamed) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                     "Authorization: Basic dXNlcjpwdw==\r\n", ""));
  ASSERT_TRUE(reply);
  ExpectConnect401(*reply, "only the Bearer scheme");
}

TEST_F(ConnectTest, ConnectStreamNoTokenAndABrokenEnvelopeIsUnauthenticated) {
  ExpectRefusedThenServed(
      port(),
      PostRequest(port(), kCountPath, "application/connect+json", std::string("\0\0\0", 3), "",
                  ""),
      [](const HttpReply& reply) {
        EXPECT_EQ(reply.status, 200);
        auto frames = SplitEnvelopes(reply.body);
        ASSERT_TRUE(frames && frames->size() == 1);
        EXPECT_EQ((*frames)[0].flags, 0x02);
        EXPECT_EQ(json::parse((*frames)[0].payload)["error"]["code"], "unauthenticated");
      });
}

TEST_F(ConnectTest, GrpcWebNoTokenAndBadBase64IsUnauthenticated) {
  ExpectRefusedThenServed(
      port(),
      PostRequest(port(), kEchoPath, "application/grpc-web-text", "!!not base64!!", "", ""),
      [](const HttpReply& reply) {
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(reply.header("grpc-status"), "16");
        EXPECT_NE(reply.header("grpc-message").find("no token"), std::string::npos);
        EXPECT_TRUE(reply.body.empty());
      });
}

TEST_F(ConnectTest, GrpcWebWrongTokenAndATruncatedFrameIsUnauthenticated) {
  ExpectRefusedThenServed(
      port(),
      PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                  std::string("\x00\x00\x00\x00\x09" "abc", 8), "grpc-encoding: br\r\n", "guess"),
      [](const HttpReply& reply) {
        EXPECT_EQ(reply.header("grpc-status"), "16");
        EXPECT_NE(reply.header("grpc-message").find("wrong token"), std::string::npos);
      });
}

}  // namespace
}  // namespace pipebridge::connect::testing
