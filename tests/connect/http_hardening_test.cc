// Bad HTTP on the shared port: request smuggling forms, oversized bodies, methods, Origin and
// CORS. Each gets a precise answer, and the server keeps serving other connections.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/connect/connect_test_fixture.h"

namespace pipebridge::connect::testing {
namespace {

using nlohmann::json;

class HttpHardeningTest : public ConnectTest {
 protected:
  // The server still answers a good call on a new connection.
  void ExpectStillServing() {
    auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", R"({"text":"ok"})"));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
  }
  // Sends raw bytes; expects `status` and the connection closed.
  void ExpectRefusedAndClosed(const std::string& bytes, int status) {
    auto client = RawHttpClient::Connect(port());
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->Send(bytes));
    auto reply = client->Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, status);
    EXPECT_TRUE(client->WaitClosed());
    ExpectStillServing();
  }
  std::string Head(absl::string_view extra) {
    return absl::StrCat("POST ", kEchoPath, " HTTP/1.1\r\nHost: 127.0.0.1:", port(),
                        "\r\nContent-Type: application/json\r\nAuthorization: Bearer ", kToken,
                        "\r\n", extra, "\r\n");
  }
};

TEST_F(HttpHardeningTest, ContentLengthWithTransferEncodingIsRefused) {
  // CL.TE smuggling: a front end reading Content-Length and a back end reading chunks would
  // disagree on where the next request starts.
  ExpectRefusedAndClosed(
      Head("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
      400);
}

TEST_F(HttpHardeningTest, DuplicateContentLengthIsRefused) {
  ExpectRefusedAndClosed(Head("Content-Length: 2\r\nContent-Length: 2\r\n") + "{}", 400);
  ExpectRefusedAndClosed(Head("Content-Length: 2\r\nContent-Length: 15\r\n") + "{}", 400);
  ExpectRefusedAndClosed(Head("Content-Length: 2, 2\r\n") + "{}", 400);
}

TEST_F(HttpHardeningTest, UnknownTransferEncodingIsRefused) {
  ExpectRefusedAndClosed(Head("Transfer-Encoding: gzip, chunked\r\n") + "0\r\n\r\n", 400);
  ExpectRefusedAndClosed(Head("Transfer-Encoding: chunked, identity\r\n") + "0\r\n\r\n", 400);
}

TEST_F(HttpHardeningTest, ChunkedRequestBodyIsAccepted) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(Head("Transfer-Encoding: chunked\r\n") +
                           "7\r\n{\"text\"\r\n6\r\n:\"ch\"}\r\n0\r\n\r\n"));
  auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(json::parse(reply->body)["text"], "ch");
}

TEST_F(HttpHardeningTest, OversizedBodyIs413) {
  auto options = DefaultOptions();
  options.max_message_bytes = 1024;
  StartServer(options);
  const std::string big = absl::StrCat(R"({"text":")", std::string(2000, 'a'), R"("})");
  ExpectRefusedAndClosed(PostRequest(port(), kEchoPath, "application/json", big), 413);
}

TEST_F(HttpHardeningTest, OtherMethodsAre405) {
  auto reply = RoundTrip(absl::StrCat("DELETE ", kEchoPath, " HTTP/1.1\r\nHost: 127.0.0.1:",
                                      port(), "\r\n\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
  EXPECT_EQ(reply->header("allow"), "GET, POST, OPTIONS");
}

TEST_F(HttpHardeningTest, ForeignHostIs403) {
  ExpectRefusedAndClosed(absl::StrCat("POST ", kEchoPath,
                                      " HTTP/1.1\r\nHost: evil.example:", port(),
                                      "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                                      "\r\n{}"),
                         403);
}

TEST_F(HttpHardeningTest, ForeignOriginIs403) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/json", "{}",
                                     "Origin: https://evil.example\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 403);
  auto null_origin = RoundTrip(
      PostRequest(port(), kEchoPath, "application/json", "{}", "Origin: null\r\n"));
  ASSERT_TRUE(null_origin);
  EXPECT_EQ(null_origin->status, 403);
}

TEST_F(HttpHardeningTest, CorsPreflightFromAllowedOrigin) {
  auto reply = RoundTrip(absl::StrCat(
      "OPTIONS ", kEchoPath, " HTTP/1.1\r\nHost: 127.0.0.1:", port(),
      "\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\n"
      "Access-Control-Request-Headers: content-type,authorization,connect-protocol-version\r\n\r\n"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 204);
  EXPECT_EQ(reply->header("access-control-allow-origin"), "http://localhost:3000");
  EXPECT_NE(reply->header("access-control-allow-methods").find("POST"), std::string::npos);
  const std::string allowed = reply->header("access-control-allow-headers");
  for (const char* header : {"Content-Type", "Authorization", "Connect-Protocol-Version",
                             "Connect-Timeout-Ms", "Grpc-Timeout", "X-Grpc-Web"}) {
    EXPECT_NE(allowed.find(header), std::string::npos) << header;
  }

  auto refused = RoundTrip(absl::StrCat(
      "OPTIONS ", kEchoPath, " HTTP/1.1\r\nHost: 127.0.0.1:", port(),
      "\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_TRUE(refused->header("access-control-allow-origin").empty());
}

TEST_F(HttpHardeningTest, CorsHeadersOnResponsesToAllowedOrigins) {
  auto reply = RoundTrip(PostRequest(port(), kEchoPath, "application/grpc-web+proto",
                                     Envelope(0, ""), "Origin: http://127.0.0.1:8080\r\n", ""));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("access-control-allow-origin"), "http://127.0.0.1:8080");
  const std::string exposed = reply->header("access-control-expose-headers");
  EXPECT_NE(exposed.find("Grpc-Status"), std::string::npos);
  EXPECT_NE(exposed.find("Grpc-Message"), std::string::npos);
  EXPECT_EQ(reply->header("grpc-status"), "16");

  auto stream = RoundTrip(PostRequest(port(), kCountPath, "application/connect+json",
                                      Envelope(0, R"({"count":1})"),
                                      "Origin: http://localhost:5173\r\n"));
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->header("access-control-allow-origin"), "http://localhost:5173");
}

TEST_F(HttpHardeningTest, ShutdownClosesAnIdleKeepAliveConnection) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kEchoPath, "application/json", R"({"text":"idle"})")));
  auto reply = client->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  // The session now waits for a next request that never comes: Shutdown must close it
  // rather than leave it (and the server state it holds) behind the stopped io_context.
  server_->Shutdown(absl::ZeroDuration());
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(1)));
}

TEST_F(HttpHardeningTest, ShutdownCancelsAStreamAndClosesItsConnection) {
  auto client = RawHttpClient::Connect(port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send(PostRequest(port(), kCountPath, "application/connect+json",
                                       Envelope(0, R"({"count":-1})"))));
  auto head = client->ReadHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  server_->Shutdown(absl::ZeroDuration());
  EXPECT_TRUE(client->WaitClosed(absl::Seconds(1)));
  EXPECT_TRUE(WaitFor([&] { return probe_.streams_done.load() == 1; }));
  EXPECT_EQ(probe_.cancellations.load(), 1);
}

TEST_F(HttpHardeningTest, BadInputLeavesOtherConnectionsServing) {
  // A stream open on one connection, garbage on another, then a good call on a third.
  auto streaming = RawHttpClient::Connect(port());
  ASSERT_TRUE(streaming);
  ASSERT_TRUE(streaming->Send(PostRequest(port(), kCountPath, "application/connect+json",
                                          Envelope(0, R"({"count":-1})"))));
  ASSERT_TRUE(streaming->ReadHead());
  auto garbage = RawHttpClient::Connect(port());
  ASSERT_TRUE(garbage);
  ASSERT_TRUE(garbage->Send("\x16\x03\x01 not http at all\r\n\r\n"));
  auto reply = garbage->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(garbage->WaitClosed());
  ExpectStillServing();
}

}  // namespace
}  // namespace pipebridge::connect::testing
