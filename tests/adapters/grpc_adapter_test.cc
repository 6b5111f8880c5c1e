// The native gRPC transport over a real loopback socket: every call kind, the interceptor
// chain, cancellation, bad payloads (health and reflection: grpc_standard_services_test).
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/synchronization/notification.h"
#include "pipebridge/testing/v1/test_service.grpc.pb.h"
#include "tests/adapters/grpc_server_fixture.h"

namespace pipebridge::grpc_adapter {
namespace {

namespace tv1 = pipebridge::testing::v1;

class GrpcAdapterTest : public GrpcServerFixture {
 protected:
  void SetUp() override {
    GrpcServerFixture::SetUp();
    stub_ = tv1::TestService::NewStub(channel_);
  }
  std::unique_ptr<tv1::TestService::Stub> stub_;
};

TEST_F(GrpcAdapterTest, UnaryCallReachesItsHandler) {
  grpc::ClientContext context;
  Authorize(context);
  tv1::EchoRequest request;
  request.set_text("over the wire");
  tv1::EchoResponse response;
  grpc::Status status = stub_->Echo(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.text(), "over the wire");
}

TEST_F(GrpcAdapterTest, EveryCallKindGoesThroughAuth) {
  {
    grpc::ClientContext context;
    tv1::EchoResponse response;
    EXPECT_EQ(stub_->Echo(&context, tv1::EchoRequest(), &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    tv1::CountRequest request;
    request.set_count(3);
    auto reader = stub_->Count(&context, request);
    tv1::CountResponse response;
    EXPECT_FALSE(reader->Read(&response));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer wrong");
    auto stream = stub_->Chat(&context);
    tv1::ChatResponse response;
    EXPECT_FALSE(stream->Read(&response));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(GrpcAdapterTest, ServerStreamDeliversEveryMessageInOrder) {
  grpc::ClientContext context;
  Authorize(context);
  tv1::CountRequest request;
  request.set_count(500);
  auto reader = stub_->Count(&context, request);
  tv1::CountResponse response;
  int expected = 1;
  while (reader->Read(&response)) {
    ASSERT_EQ(response.n(), expected);
    ++expected;
  }
  EXPECT_EQ(expected, 501);
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(GrpcAdapterTest, BidiStreamAnswersEachMessage) {
  grpc::ClientContext context;
  Authorize(context);
  auto stream = stub_->Chat(&context);
  for (const char* text : {"maya", "nuke", "houdini"}) {
    tv1::ChatRequest request;
    request.set_text(text);
    ASSERT_TRUE(stream->Write(request));
    tv1::ChatResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.text(), absl::AsciiStrToUpper(text));
  }
  stream->WritesDone();
  tv1::ChatResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcAdapterTest, ClientDeadlineCancelsTheHandler) {
  grpc::ClientContext context;
  Authorize(context);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  tv1::EchoRequest request;
  request.set_delay_ms(10000);
  tv1::EchoResponse response;
  auto start = absl::Now();
  EXPECT_EQ(stub_->Echo(&context, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  for (int i = 0; i < 200 && probe_.cancellations.load() == 0; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(probe_.cancellations.load(), 1) << "the handler saw the cancellation";
}

TEST_F(GrpcAdapterTest, CancelledStreamEndsAndReleasesItsHandler) {
  grpc::ClientContext context;
  Authorize(context);
  tv1::CountRequest request;
  request.set_count(-1);  // never ends by itself
  auto reader = stub_->Count(&context, request);
  absl::SleepFor(absl::Milliseconds(50));
  context.TryCancel();
  tv1::CountResponse response;
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  for (int i = 0; i < 200 && probe_.streams_done.load() == 0; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(probe_.cancellations.load(), 1);
  EXPECT_EQ(probe_.streams_done.load(), 1);
}

TEST_F(GrpcAdapterTest, GarbagePayloadIsInvalidArgumentAndServerKeepsServing) {
  grpc::GenericStub generic(channel_);
  grpc::ClientContext context;
  Authorize(context);
  // The deadline bounds the wait below: gRPC runs the callback by then whatever the server does.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const char garbage[] = "\xff\xff\xff\xff\xff";
  grpc::Slice slice(garbage, sizeof(garbage) - 1);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  absl::Notification done;
  grpc::Status status;
  generic.UnaryCall(&context, "/pipebridge.testing.v1.TestService/Echo", grpc::StubOptions(),
                    &request, &response, [&](grpc::Status s) {
                      status = s;
                      done.Notify();
                    });
  done.WaitForNotification();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("pipebridge.testing.v1.EchoRequest"), std::string::npos);

  grpc::ClientContext again;
  Authorize(again);
  tv1::EchoResponse echo;
  tv1::EchoRequest hello;
  hello.set_text("still here");
  ASSERT_TRUE(stub_->Echo(&again, hello, &echo).ok());
  EXPECT_EQ(echo.text(), "still here");
}

TEST_F(GrpcAdapterTest, ManyConcurrentCallsAllComplete) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        grpc::ClientContext context;
        Authorize(context);
        tv1::EchoRequest request;
        request.set_text(std::to_string(t * 1000 + i));
        tv1::EchoResponse response;
        if (stub_->Echo(&context, request, &response).ok() && response.text() == request.text()) ok++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST_F(GrpcAdapterTest, PortInUseIsAClearError) {
  auto second = GrpcServer::Start(*dispatcher_, GrpcServerOptions{"127.0.0.1", server_->port()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("already in use"), std::string::npos);
}

}  // namespace
}  // namespace pipebridge::grpc_adapter
