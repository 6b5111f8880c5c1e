// grpc.health.v1 and server reflection as the bridge serves them itself: health without a
// token and its shutdown signal, reflection behind the token answering every request kind.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

#include "google/protobuf/descriptor.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/adapters/grpc_server_fixture.h"

namespace pipebridge::grpc_adapter {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
namespace reflection = grpc::reflection::v1;

constexpr char kTestService[] = "pipebridge.testing.v1.TestService";

class GrpcStandardServicesTest : public GrpcServerFixture {
 protected:
  // Sends `requests` on one ServerReflectionInfo stream and returns the answers.
  std::vector<reflection::ServerReflectionResponse> Reflect(
      const std::vector<reflection::ServerReflectionRequest>& requests, bool authorize = true,
      grpc::Status* status = nullptr) {
    auto stub = reflection::ServerReflection::NewStub(channel_);
    grpc::ClientContext context;
    if (authorize) Authorize(context);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto stream = stub->ServerReflectionInfo(&context);
    std::vector<reflection::ServerReflectionResponse> responses;
    for (const auto& request : requests) {
      if (!stream->Write(request)) break;
      reflection::ServerReflectionResponse response;
      if (!stream->Read(&response)) break;
      responses.push_back(response);
    }
    stream->WritesDone();
    grpc::Status finished = stream->Finish();
    if (status != nullptr) *status = finished;
    return responses;
  }

  static std::vector<std::string> FileNames(const reflection::ServerReflectionResponse& response) {
    std::vector<std::string> names;
    for (const auto& bytes : response.file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto file;
      EXPECT_TRUE(file.ParseFromString(bytes));
      names.push_back(file.name());
    }
    return names;
  }
};

TEST_F(GrpcStandardServicesTest, HealthAnswersWithoutATokenForTheBridgeAndEachService) {
  auto health = Health::NewStub(channel_);
  for (const std::string service : {"", kTestService, "grpc.reflection.v1alpha.ServerReflection"}) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = health->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << service;
  }
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("pipebridge.v1.NoSuchService");
  HealthCheckResponse response;
  grpc::Status status = health->Check(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("pipebridge.v1.NoSuchService"), std::string::npos);
}

TEST_F(GrpcStandardServicesTest, HealthWatchSeesTheBridgeGoAway) {
  auto health = Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  HealthCheckRequest request;
  auto reader = health->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  std::thread shutdown([this] { server_->Shutdown(absl::Seconds(5)); });
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  shutdown.join();
}

TEST_F(GrpcStandardServicesTest, HealthWatchOfAnUnknownServiceStaysOpen) {
  auto health = Health::NewStub(channel_);
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("pipebridge.v1.NoSuchService");
  auto reader = health->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVICE_UNKNOWN);
  context.TryCancel();
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(GrpcStandardServicesTest, ReflectionNeedsTheToken) {
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  grpc::Status status;
  EXPECT_TRUE(Reflect({request}, /*authorize=*/false, &status).empty());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GrpcStandardServicesTest, ReflectionListsEveryServiceTheListenerServes) {
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  grpc::Status status;
  auto responses = Reflect({request}, true, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 1u);
  std::set<std::string> names;
  for (const auto& service : responses[0].list_services_response().service()) names.insert(service.name());
  EXPECT_EQ(names, (std::set<std::string>{kTestService, "grpc.health.v1.Health",
                                          "grpc.reflection.v1.ServerReflection",
                                          "grpc.reflection.v1alpha.ServerReflection"}));
  EXPECT_EQ(responses[0].original_request().list_services(), "");
}

TEST_F(GrpcStandardServicesTest, ReflectionSendsAFileWithTheImportsNotSentBefore) {
  reflection::ServerReflectionRequest by_symbol;
  by_symbol.set_file_containing_symbol(kTestService);
  auto responses = Reflect({by_symbol, by_symbol});
  ASSERT_EQ(responses.size(), 2u);
  std::vector<std::string> first = FileNames(responses[0]);
  ASSERT_FALSE(first.empty());
  const std::string service_file = first[0];
  EXPECT_NE(service_file.find("test_service.proto"), std::string::npos) << service_file;
  // Every import of the file came along, each once.
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindFileByName(service_file);
  ASSERT_NE(descriptor, nullptr);
  std::set<std::string> sent(first.begin(), first.end());
  EXPECT_EQ(sent.size(), first.size());
  for (int i = 0; i < descriptor->dependency_count(); ++i) {
    EXPECT_TRUE(sent.count(descriptor->dependency(i)->name())) << descriptor->dependency(i)->name();
  }
  // Asked again on the same stream: the file itself, its imports already known.
  EXPECT_EQ(FileNames(responses[1]), std::vector<std::string>{service_file});
}

TEST_F(GrpcStandardServicesTest, ReflectionAnswersEveryRequestKind) {
  reflection::ServerReflectionRequest by_file;
  by_file.set_file_by_filename("grpc/health/v1/health.proto");
  reflection::ServerReflectionRequest extensions;
  extensions.set_all_extension_numbers_of_type("google.protobuf.FileDescriptorProto");
  reflection::ServerReflectionRequest missing_file;
  missing_file.set_file_by_filename("studio/missing.proto");
  reflection::ServerReflectionRequest missing_symbol;
  missing_symbol.set_file_containing_symbol("pipebridge.v1.Nothing");
  reflection::ServerReflectionRequest missing_extension;
  missing_extension.mutable_file_containing_extension()->set_containing_type("google.protobuf.FileOptions");
  missing_extension.mutable_file_containing_extension()->set_extension_number(54321);
  reflection::ServerReflectionRequest empty;
  grpc::Status status;
  auto responses =
      Reflect({by_file, extensions, missing_file, missing_symbol, missing_extension, empty}, true, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 6u);
  EXPECT_EQ(FileNames(responses[0]), std::vector<std::string>{"grpc/health/v1/health.proto"});
  EXPECT_EQ(responses[1].all_extension_numbers_response().base_type_name(),
            "google.protobuf.FileDescriptorProto");
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(responses[i].error_response().error_code(), grpc::StatusCode::NOT_FOUND) << i;
  }
  EXPECT_NE(responses[2].error_response().error_message().find("studio/missing.proto"), std::string::npos);
  EXPECT_NE(responses[3].error_response().error_message().find("pipebridge.v1.Nothing"), std::string::npos);
  EXPECT_NE(responses[4].error_response().error_message().find("54321"), std::string::npos);
  EXPECT_EQ(responses[5].error_response().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GrpcStandardServicesTest, TheV1alphaServiceAnswersToo) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  Authorize(context);
  auto stream = stub->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_file_containing_symbol(kTestService);
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace pipebridge::grpc_adapter
