// A GrpcServer on an ephemeral loopback port serving the test service behind the auth and
// deadline interceptors, and a channel to it.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "adapters/grpc/grpc_server.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/dispatcher.h"
#include "tests/testing/test_service.h"

namespace pipebridge::grpc_adapter {

class GrpcServerFixture : public ::testing::Test {
 protected:
  static constexpr char kToken[] = "test-token";

  void SetUp() override {
    ASSERT_TRUE(testing::RegisterTestService(table_, probe_).ok());
    std::vector<std::unique_ptr<rpc::Interceptor>> chain;
    chain.push_back(std::make_unique<rpc::AuthInterceptor>(kToken));
    chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(rpc::DeadlinePolicy{}));
    dispatcher_ = std::make_unique<rpc::Dispatcher>(table_, std::move(chain), logger_);
    auto server = GrpcServer::Start(*dispatcher_, GrpcServerOptions{"127.0.0.1", 0});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    // A cancelled delayed Echo may still be completing through the dispatcher.
    EXPECT_TRUE(probe_.WaitForHandlers());
  }
  static void Authorize(grpc::ClientContext& context) {
    context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  }

  rpc::Logger logger_{rpc::LogLevel::kError};
  rpc::MethodTable table_;
  testing::TestServiceProbe probe_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace pipebridge::grpc_adapter
