#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/rpc/logger.h"
#include "bridge/rpc/logging_interceptor.h"
#include "nlohmann/json.hpp"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/testing/test_service.h"

namespace pipebridge::rpc {
namespace {

namespace tv1 = pipebridge::testing::v1;

class Recorder : public Interceptor {
 public:
  Recorder(std::string name, std::vector<std::string>& log, absl::Status verdict = absl::OkStatus())
      : name_(std::move(name)), log_(log), verdict_(std::move(verdict)) {}
  absl::Status OnCallStart(CallContext&) override {
    log_.push_back("start " + name_);
    return verdict_;
  }
  void OnCallEnd(CallContext&, const absl::Status& status) override {
    log_.push_back("end " + name_ + " " + std::string(absl::StatusCodeToString(status.code())));
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  absl::Status verdict_;
};

class InterceptorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::RegisterTestService(table_, probe_).ok());
    echo_ = table_.Find("pipebridge.testing.v1.TestService/Echo");
    count_ = table_.Find("pipebridge.testing.v1.TestService/Count");
  }
  absl::Status CallEcho(const Dispatcher& dispatcher, CallContext& ctx, std::string* text = nullptr) {
    tv1::EchoRequest request;
    request.set_text("hello");
    tv1::EchoResponse response;
    absl::Status result = absl::UnknownError("done never called");
    dispatcher.CallUnary(ctx, request, &response, [&](absl::Status s) { result = s; });
    if (text) *text = response.text();
    return result;
  }
  MethodTable table_;
  testing::TestServiceProbe probe_;
  const Method* echo_ = nullptr;
  const Method* count_ = nullptr;
  Logger logger_{LogLevel::kError};
};

TEST_F(InterceptorsTest, ChainRunsInOrderAndUnwindsInReverse) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<Interceptor>> chain;
  chain.push_back(std::make_unique<Recorder>("a", log));
  chain.push_back(std::make_unique<Recorder>("b", log));
  Dispatcher dispatcher(table_, std::move(chain), logger_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  std::string text;
  ASSERT_TRUE(CallEcho(dispatcher, ctx, &text).ok());
  EXPECT_EQ(text, "hello");
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "end b OK", "end a OK"}));
}

TEST_F(InterceptorsTest, RefusalSkipsHandlerAndLaterInterceptors) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<Interceptor>> chain;
  chain.push_back(std::make_unique<Recorder>("a", log));
  chain.push_back(std::make_unique<Recorder>("b", log, absl::PermissionDeniedError("no")));
  chain.push_back(std::make_unique<Recorder>("c", log));
  Dispatcher dispatcher(table_, std::move(chain), logger_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  std::string text;
  EXPECT_EQ(CallEcho(dispatcher, ctx, &text).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(text, "");
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "end a PERMISSION_DENIED"}));
}

TEST_F(InterceptorsTest, AuthNeedsTheServerToken) {
  std::vector<std::unique_ptr<Interceptor>> chain;
  chain.push_back(std::make_unique<AuthInterceptor>("s3cret-token"));
  Dispatcher dispatcher(table_, std::move(chain), logger_);

  CallContext missing(*echo_, Peer{"in-process", ""}, logger_);
  absl::Status no_token = CallEcho(dispatcher, missing);
  EXPECT_EQ(no_token.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(no_token.message().find("no token"), std::string::npos);

  CallContext wrong(*echo_, Peer{"in-process", ""}, logger_);
  wrong.set_token("s3cret-tokem");
  absl::Status bad = CallEcho(dispatcher, wrong);
  EXPECT_EQ(bad.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.message().find("s3cret"), std::string::npos) << "never echo tokens";

  CallContext right(*echo_, Peer{"in-process", ""}, logger_);
  right.set_token("s3cret-token");
  EXPECT_TRUE(CallEcho(dispatcher, right).ok());
  EXPECT_TRUE(right.identity().authenticated);

  CallContext preauthenticated(*echo_, Peer{"jsonrpc-tcp", ""}, logger_);
  preauthenticated.identity().authenticated = true;  // the connection's handshake did it
  EXPECT_TRUE(CallEcho(dispatcher, preauthenticated).ok());
}

// The comparison goes eight bytes at a time and then byte by byte: a difference anywhere,
// in a whole word or in the tail, must count.
TEST(TokensEqualTest, EveryByteCounts) {
  const std::string token(67, 'a');  // eight words and a three-byte tail
  EXPECT_TRUE(TokensEqual(token, std::string(token)));
  for (size_t i = 0; i < token.size(); ++i) {
    std::string other = token;
    other[i] = 'b';
    EXPECT_FALSE(TokensEqual(token, other)) << "a difference at byte " << i;
  }
  EXPECT_FALSE(TokensEqual(token, token.substr(0, 66)));
  EXPECT_FALSE(TokensEqual("", "a"));
  EXPECT_TRUE(TokensEqual("", ""));
}

TEST_F(InterceptorsTest, DeadlineIsDefaultedAndCapped) {
  DeadlineInterceptor deadlines({absl::Seconds(30), absl::Minutes(2)});
  CallContext plain(*echo_, Peer{}, logger_);
  ASSERT_TRUE(deadlines.OnCallStart(plain).ok());
  EXPECT_EQ(plain.deadline(), plain.start_time() + absl::Seconds(30));

  CallContext asks_long(*echo_, Peer{}, logger_);
  asks_long.set_requested_timeout(absl::Hours(5));
  ASSERT_TRUE(deadlines.OnCallStart(asks_long).ok());
  EXPECT_EQ(asks_long.deadline(), asks_long.start_time() + absl::Minutes(2));

  CallContext asks_short(*echo_, Peer{}, logger_);
  asks_short.set_requested_timeout(absl::Milliseconds(250));
  ASSERT_TRUE(deadlines.OnCallStart(asks_short).ok());
  EXPECT_EQ(asks_short.deadline(), asks_short.start_time() + absl::Milliseconds(250));

  CallContext expired(*echo_, Peer{}, logger_);
  expired.set_requested_timeout(absl::Milliseconds(-1));
  EXPECT_EQ(deadlines.OnCallStart(expired).code(), absl::StatusCode::kDeadlineExceeded);

  CallContext stream(*count_, Peer{}, logger_);
  ASSERT_TRUE(deadlines.OnCallStart(stream).ok());
  EXPECT_EQ(stream.deadline(), absl::InfiniteFuture()) << "subscriptions live until ended";
}

TEST_F(InterceptorsTest, CancelCallbacksRunOnceAndLateOnesRunAtOnce) {
  CallContext ctx(*echo_, Peer{}, logger_);
  int calls = 0;
  ctx.OnCancel([&] { ++calls; });
  EXPECT_FALSE(ctx.cancelled());
  ctx.Cancel();
  ctx.Cancel();
  EXPECT_TRUE(ctx.cancelled());
  EXPECT_EQ(calls, 1);
  ctx.OnCancel([&] { ++calls; });
  EXPECT_EQ(calls, 2);
}

TEST_F(InterceptorsTest, LoggingWritesOneJsonLinePerFailedCall) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Logger logger(LogLevel::kInfo, fds[1]);
  std::vector<std::unique_ptr<Interceptor>> chain;
  chain.push_back(std::make_unique<LoggingInterceptor>());
  chain.push_back(std::make_unique<AuthInterceptor>("token"));
  Dispatcher dispatcher(table_, std::move(chain), logger);
  CallContext ok_call(*echo_, Peer{"grpc", "ipv4:127.0.0.1:1"}, logger);
  ok_call.set_token("token");
  ASSERT_TRUE(CallEcho(dispatcher, ok_call).ok());  // success: debug, not written at info
  CallContext failed(*echo_, Peer{"grpc", "ipv4:127.0.0.1:2"}, logger);
  ASSERT_FALSE(CallEcho(dispatcher, failed).ok());
  ::close(fds[1]);
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof(buffer))) > 0) text.append(buffer, n);
  ::close(fds[0]);
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["method"], "pipebridge.testing.v1.TestService/Echo");
  EXPECT_EQ(line["code"], "UNAUTHENTICATED");
  EXPECT_EQ(line["peer"], "ipv4:127.0.0.1:2");
}

}  // namespace
}  // namespace pipebridge::rpc
