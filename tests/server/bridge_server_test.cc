// The whole server in-process on an ephemeral port: the token, the discovery file, every
// RPC of the contract answering, and clean shutdown.
#include "bridge/server/bridge_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "pipebridge/v1/bridge.grpc.pb.h"
#include "pipebridge/v1/hosts.pb.h"

namespace pipebridge::server {
namespace {

std::string MakeTempDir() {
  char pattern[] = "/tmp/pipebridge-test-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  return dir ? dir : "";
}

class BridgeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTempDir();
    ASSERT_FALSE(root_.empty());
    config_.grpc_port = 0;
    config_.http_port = 0;
    config_.tcp_port = 0;
    config_.discovery_dir = root_ + "/discovery";
    config_.project_dir = root_ + "/project";
    config_.shutdown_grace = absl::Seconds(1);
    auto server = BridgeServer::Start(config_, logger_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    channel_ = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
    stub_ = v1::BridgeService::NewStub(channel_);
  }
  void TearDown() override {
    server_.reset();
    std::system(("rm -rf " + root_).c_str());
  }
  void Authorize(grpc::ClientContext& context) {
    context.AddMetadata("authorization", "Bearer " + server_->token());
  }

  rpc::Logger logger_{rpc::LogLevel::kError};
  std::string root_;
  ServerConfig config_;
  std::unique_ptr<BridgeServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::BridgeService::Stub> stub_;
};

TEST_F(BridgeServerTest, PingAndGetInfoNeedTheToken) {
  grpc::ClientContext anonymous;
  v1::PingRequest ping;
  ping.set_payload("hello");
  v1::PingResponse pong;
  grpc::Status refused = stub_->Ping(&anonymous, ping, &pong);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext context;
  Authorize(context);
  ASSERT_TRUE(stub_->Ping(&context, ping, &pong).ok());
  EXPECT_EQ(pong.payload(), "hello");

  grpc::ClientContext info_context;
  Authorize(info_context);
  v1::GetInfoResponse info;
  ASSERT_TRUE(stub_->GetInfo(&info_context, v1::GetInfoRequest(), &info).ok());
  EXPECT_EQ(info.version(), Version());
  EXPECT_EQ(info.protocol_version(), 1u);
  EXPECT_EQ(info.pid(), ::getpid());
  ASSERT_EQ(info.endpoints_size(), 4);
  EXPECT_EQ(info.endpoints(0).transport(), "grpc");
  EXPECT_EQ(info.endpoints(0).address(), server_->grpc_address());
  EXPECT_EQ(info.endpoints(1).transport(), "jsonrpc-ws");
  EXPECT_EQ(info.endpoints(1).address(), "ws://" + server_->jsonrpc()->http_address() + "/rpc");
  EXPECT_EQ(info.endpoints(2).transport(), "jsonrpc-tcp");
  EXPECT_EQ(info.endpoints(2).address(), server_->jsonrpc()->tcp_address());
  EXPECT_EQ(info.endpoints(3).transport(), "http");
  EXPECT_EQ(info.endpoints(3).address(), "http://" + server_->jsonrpc()->http_address());
  EXPECT_GT(info.started_at().seconds(), 0);
}

TEST_F(BridgeServerTest, DiscoveryFileIsPrivateAndNamesThisServer) {
  struct stat file {};
  ASSERT_EQ(::stat(server_->discovery_path().c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600u);
  struct stat folder {};
  ASSERT_EQ(::stat(config_.discovery_dir.c_str(), &folder), 0);
  EXPECT_EQ(folder.st_mode & 0077, 0u) << "no access for group or others";
  auto info = DiscoveryFile::Read(server_->discovery_path());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->pid, ::getpid());
  EXPECT_EQ(info->token, server_->token());
  EXPECT_EQ(info->token.size(), 64u);
  ASSERT_EQ(info->endpoints.size(), 4u);
  EXPECT_EQ(info->endpoints[0].second, server_->grpc_address());
}

TEST_F(BridgeServerTest, ShutdownRemovesTheDiscoveryFile) {
  const std::string path = server_->discovery_path();
  ASSERT_EQ(::access(path.c_str(), F_OK), 0);
  server_->Shutdown();
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

TEST_F(BridgeServerTest, SecondServerOnTheSameDiscoveryFileIsRefused) {
  rpc::Logger quiet(rpc::LogLevel::kError);
  auto second = BridgeServer::Start(config_, quiet);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(second.status().message().find("another bridge"), std::string::npos);
  // ...and the first one still owns its file.
  EXPECT_TRUE(DiscoveryFile::Read(server_->discovery_path()).ok());
}

TEST_F(BridgeServerTest, StaleDiscoveryFileOfADeadProcessIsReplaced) {
  server_.reset();
  DiscoveryInfo stale;
  stale.pid = 999999;  // above pid_max on Linux by default: no such process
  stale.token = "old";
  stale.endpoints = {{"grpc", "127.0.0.1:1"}};
  DiscoveryFile file(config_.discovery_dir);
  {
    std::ofstream out(file.path());
    out << DiscoveryFile::ToJson(stale);
  }
  auto restarted = BridgeServer::Start(config_, logger_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  auto info = DiscoveryFile::Read(file.path());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->pid, ::getpid());
  EXPECT_EQ(info->token, (*restarted)->token());
}

TEST_F(BridgeServerTest, UnwritableDiscoveryFolderIsAClearError) {
  // A folder below a regular file fails even for root, who may write anywhere else.
  std::ofstream(root_ + "/plain-file") << "x";
  ServerConfig config = config_;
  config.discovery_dir = root_ + "/plain-file/discovery";
  auto server = BridgeServer::Start(config, logger_);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("discovery folder"), std::string::npos)
      << server.status();
}

TEST_F(BridgeServerTest, StoreBackedCallsRunOffTheTransportsThreads) {
  // Their handlers wait on SQLite; the JSON transports' two I/O threads must not.
  const std::set<std::string> store_backed = {
      "pipebridge.v1.EntityService", "pipebridge.v1.ContextService",
      "pipebridge.v1.PublishService", "pipebridge.v1.EventService"};
  int blocking = 0;
  for (const auto& method : server_->methods().methods()) {
    const bool expected = method->kind == rpc::MethodKind::kUnary &&
                          store_backed.count(method->descriptor->service()->full_name()) > 0;
    EXPECT_EQ(method->execution == rpc::Execution::kBlocking, expected) << method->full_name;
    blocking += expected;
  }
  EXPECT_GT(blocking, 20);
}

TEST_F(BridgeServerTest, EveryRpcOfTheContractAnswers) {
  // Unimplemented ones say so, naming themselves; none hangs or drops the connection.
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* hosts_file = v1::AttachRequest::descriptor()->file();  // links every file in
  (void)hosts_file;
  grpc::GenericStub generic(channel_);
  int methods = 0;
  for (const char* service_name :
       {"pipebridge.v1.BridgeService", "pipebridge.v1.EntityService", "pipebridge.v1.TemplateService",
        "pipebridge.v1.ContextService", "pipebridge.v1.PublishService", "pipebridge.v1.EventService",
        "pipebridge.v1.HostService"}) {
    const auto* service = pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      const std::string path = "/" + service->full_name() + "/" + method->name();
      grpc::ClientContext context;
      Authorize(context);
      const bool streaming = method->client_streaming() || method->server_streaming();
      // A stream may rightly stay open (a live subscription): it must only not fail.
      context.set_deadline(std::chrono::system_clock::now() +
                           (streaming ? std::chrono::seconds(1) : std::chrono::seconds(5)));
      grpc::Status status;
      grpc::Slice no_bytes("");
      grpc::ByteBuffer empty_message(&no_bytes, 1);  // a default request: every field unset
      if (!method->client_streaming() && !method->server_streaming()) {
        grpc::ByteBuffer request(empty_message), response;
        absl::Notification done;
        generic.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                          [&](grpc::Status s) {
                            status = s;
                            done.Notify();
                          });
        done.WaitForNotification();
      } else {
        grpc::CompletionQueue cq;
        auto call = generic.PrepareCall(&context, path, &cq);
        void* tag;
        bool ok;
        call->StartCall(reinterpret_cast<void*>(1));
        cq.Next(&tag, &ok);
        if (!method->client_streaming()) {
          call->Write(empty_message, reinterpret_cast<void*>(2));
          cq.Next(&tag, &ok);
        }
        call->WritesDone(reinterpret_cast<void*>(3));
        cq.Next(&tag, &ok);
        call->Finish(&status, reinterpret_cast<void*>(4));
        while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
        }
        cq.Shutdown();
        while (cq.Next(&tag, &ok)) {
        }
      }
      ++methods;
      if (!streaming) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << path;
      }
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << path;
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        EXPECT_NE(status.error_message().find(service->full_name() + "/" + method->name()),
                  std::string::npos)
            << status.error_message();
      }
    }
  }
  EXPECT_EQ(methods, 38) << "the contract has 38 RPCs; update this when it changes";
}

}  // namespace
}  // namespace pipebridge::server
