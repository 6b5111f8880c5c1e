// Execution::kBlocking: the dispatcher runs such a method's handler on its blocking executor,
// never on the caller's (transport's) thread, and skips it when the caller gave up while it
// waited there.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "bridge/rpc/dispatcher.h"
#include "bridge/rpc/logger.h"
#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/testing/test_service.h"

namespace pipebridge::rpc {
namespace {

namespace tv1 = pipebridge::testing::v1;

constexpr char kTestService[] = "pipebridge.testing.v1.TestService";

// Holds posted tasks until the test runs them: what runs when is the test's choice.
class ManualExecutor : public Executor {
 public:
  void Post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }
  size_t queued() const { return tasks_.size(); }
  void RunAll() {
    while (!tasks_.empty()) {
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      task();
    }
  }

 private:
  std::deque<std::function<void()>> tasks_;
};

class BlockingExecutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::RegisterTestService(table_, probe_).ok());
    echo_ = table_.Find("pipebridge.testing.v1.TestService/Echo");
    ASSERT_NE(echo_, nullptr);
  }
  // Starts Echo("hello"); the outcome lands in result_ and text_ when done runs.
  void StartEcho(const Dispatcher& dispatcher, CallContext& ctx) {
    request_.set_text("hello");
    dispatcher.CallUnary(ctx, request_, &response_, [this](absl::Status status) {
      result_ = std::move(status);
      text_ = response_.text();
    });
  }

  MethodTable table_;
  testing::TestServiceProbe probe_;
  const Method* echo_ = nullptr;
  Logger logger_{LogLevel::kError};
  ManualExecutor executor_;
  tv1::EchoRequest request_;
  tv1::EchoResponse response_;
  std::optional<absl::Status> result_;
  std::string text_;
};

TEST_F(BlockingExecutionTest, InlineMethodsAnswerOnTheCallersThread) {
  Dispatcher dispatcher(table_, {}, logger_, &executor_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  StartEcho(dispatcher, ctx);
  ASSERT_TRUE(result_.has_value());
  EXPECT_TRUE(result_->ok());
  EXPECT_EQ(text_, "hello");
  EXPECT_EQ(executor_.queued(), 0u);
}

TEST_F(BlockingExecutionTest, BlockingMethodsRunOnTheExecutor) {
  ASSERT_TRUE(table_.MarkBlocking(kTestService).ok());
  Dispatcher dispatcher(table_, {}, logger_, &executor_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  StartEcho(dispatcher, ctx);
  // CallUnary returned with the handler not yet run: the transport's thread is free.
  EXPECT_FALSE(result_.has_value());
  EXPECT_EQ(executor_.queued(), 1u);
  executor_.RunAll();
  ASSERT_TRUE(result_.has_value());
  EXPECT_TRUE(result_->ok()) << *result_;
  EXPECT_EQ(text_, "hello");
}

TEST_F(BlockingExecutionTest, ACallCancelledWhileQueuedNeverRunsItsHandler) {
  ASSERT_TRUE(table_.MarkBlocking(kTestService).ok());
  Dispatcher dispatcher(table_, {}, logger_, &executor_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  StartEcho(dispatcher, ctx);
  ctx.Cancel();
  executor_.RunAll();
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(result_->message(), "pipebridge.testing.v1.TestService/Echo: cancelled before it ran");
  EXPECT_EQ(text_, "");  // the handler would have echoed "hello"
}

TEST_F(BlockingExecutionTest, ACallWhoseDeadlinePassedWhileQueuedNeverRunsItsHandler) {
  ASSERT_TRUE(table_.MarkBlocking(kTestService).ok());
  Dispatcher dispatcher(table_, {}, logger_, &executor_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  ctx.set_deadline(absl::Now() + absl::Milliseconds(20));
  StartEcho(dispatcher, ctx);
  absl::SleepFor(absl::Milliseconds(30));
  executor_.RunAll();
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(result_->code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(text_, "");
}

TEST_F(BlockingExecutionTest, WithoutAnExecutorBlockingMethodsRunInline) {
  ASSERT_TRUE(table_.MarkBlocking(kTestService).ok());
  Dispatcher dispatcher(table_, {}, logger_);
  CallContext ctx(*echo_, Peer{"in-process", ""}, logger_);
  StartEcho(dispatcher, ctx);
  ASSERT_TRUE(result_.has_value());
  EXPECT_TRUE(result_->ok());
}

TEST_F(BlockingExecutionTest, MarkBlockingMarksTheServicesUnaryMethodsOnly) {
  EXPECT_EQ(echo_->execution, Execution::kInline);
  ASSERT_TRUE(table_.MarkBlocking(kTestService).ok());
  int unary = 0;
  for (const auto& method : table_.methods()) {
    const bool is_unary = method->kind == MethodKind::kUnary;
    unary += is_unary;
    EXPECT_EQ(method->execution, is_unary ? Execution::kBlocking : Execution::kInline)
        << method->full_name;
  }
  EXPECT_GT(unary, 0);
  absl::Status unknown = table_.MarkBlocking("pipebridge.testing.v1.NoSuchService");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "service pipebridge.testing.v1.NoSuchService is not in the table");
}

}  // namespace
}  // namespace pipebridge::rpc
