// A whole bridge started in-process on an ephemeral port with a private project folder,
// and authorised stubs to call it over real gRPC.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>

#include "bridge/server/bridge_server.h"

namespace pipebridge::testing {

class InProcessBridge : public ::testing::Test {
 protected:
  // Override to adjust the configuration before the server starts.
  virtual void Configure(server::ServerConfig& config) {}

  void SetUp() override {
    char pattern[] = "/tmp/pipebridge-service-test-XXXXXX";
    root_ = ::mkdtemp(pattern);
    config_.grpc_port = 0;
    config_.http_port = 0;
    config_.tcp_port = 0;
    config_.discovery_dir = root_ + "/discovery";
    config_.project_dir = root_ + "/project";
    config_.shutdown_grace = absl::Seconds(1);
    Configure(config_);
    auto server = server::BridgeServer::Start(config_, logger_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    channel_ = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    server_.reset();
    std::system(("rm -rf '" + root_ + "'").c_str());
  }

  // A client context carrying the token and a deadline.
  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + server_->token());
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  rpc::Logger logger_{rpc::LogLevel::kError};
  std::string root_;
  server::ServerConfig config_;
  std::unique_ptr<server::BridgeServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace pipebridge::testing
