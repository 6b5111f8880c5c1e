#include "bridge/rpc/method_table.h"

#include "bridge/rpc/logger.h"

#include <gtest/gtest.h>

#include "pipebridge/testing/v1/test_service.pb.h"
#include "tests/testing/test_service.h"

namespace pipebridge::rpc {
namespace {

namespace tv1 = pipebridge::testing::v1;

const google::protobuf::ServiceDescriptor* TestServiceDescriptor() {
  return tv1::EchoRequest::descriptor()->file()->FindServiceByName("TestService");
}

TEST(MethodTableTest, ListsEveryMethodWithItsKindAndTypes) {
  MethodTable table;
  ASSERT_TRUE(table.AddService(TestServiceDescriptor()).ok());
  ASSERT_EQ(table.methods().size(), 3u);
  const Method* echo = table.Find("pipebridge.testing.v1.TestService/Echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->kind, MethodKind::kUnary);
  EXPECT_EQ(echo->grpc_path, "/pipebridge.testing.v1.TestService/Echo");
  EXPECT_EQ(echo->request_prototype->GetDescriptor(), tv1::EchoRequest::descriptor());
  EXPECT_EQ(table.Find("pipebridge.testing.v1.TestService/Count")->kind, MethodKind::kServerStreaming);
  EXPECT_EQ(table.Find("pipebridge.testing.v1.TestService/Chat")->kind, MethodKind::kBidiStreaming);
  EXPECT_EQ(table.Find("pipebridge.testing.v1.TestService/Nope"), nullptr);
}

TEST(MethodTableTest, MethodsWithoutHandlerAnswerUnimplementedNamingThemselves) {
  MethodTable table;
  ASSERT_TRUE(table.AddService(TestServiceDescriptor()).ok());
  const Method* echo = table.Find("pipebridge.testing.v1.TestService/Echo");
  Logger logger(LogLevel::kError);
  CallContext ctx(*echo, Peer{"in-process", ""}, logger);
  tv1::EchoRequest request;
  tv1::EchoResponse response;
  absl::Status result = absl::OkStatus();
  echo->unary(ctx, request, &response, [&](absl::Status status) { result = status; });
  EXPECT_EQ(result.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(result.message().find("pipebridge.testing.v1.TestService/Echo"), std::string::npos);
}

TEST(MethodTableTest, RefusesHandlersThatDoNotMatchTheContract) {
  MethodTable table;
  ASSERT_TRUE(table.AddService(TestServiceDescriptor()).ok());
  auto wrong_types = table.SetUnary<tv1::CountRequest, tv1::EchoResponse>(
      "pipebridge.testing.v1.TestService/Echo",
      [](CallContext&, const tv1::CountRequest&, tv1::EchoResponse*) { return absl::OkStatus(); });
  EXPECT_EQ(wrong_types.code(), absl::StatusCode::kFailedPrecondition);
  auto wrong_kind = table.SetUnary<tv1::CountRequest, tv1::CountResponse>(
      "pipebridge.testing.v1.TestService/Count",
      [](CallContext&, const tv1::CountRequest&, tv1::CountResponse*) { return absl::OkStatus(); });
  EXPECT_EQ(wrong_kind.code(), absl::StatusCode::kFailedPrecondition);
  auto unknown = table.SetBidiStreaming("pipebridge.testing.v1.TestService/Nope", nullptr);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(table.AddService(TestServiceDescriptor()).code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace pipebridge::rpc
