// TemplateService through real gRPC against the demo studio's templates.yml.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "pipebridge/v1/templates.grpc.pb.h"
#include "tests/service/in_process_bridge.h"

namespace pipebridge::testing {
namespace {

namespace v1 = pipebridge::v1;

google::protobuf::Value Text(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  return value;
}

google::protobuf::Value Number(double number) {
  google::protobuf::Value value;
  value.set_number_value(number);
  return value;
}

class TemplateServiceTest : public InProcessBridge {
 protected:
  void Configure(server::ServerConfig& config) override {
    config.demo = true;
    config.roots = {{"primary", "/mnt/projects/demo"}, {"secondary", "/mnt/renders/demo"}};
  }
  void SetUp() override {
    InProcessBridge::SetUp();
    stub_ = v1::TemplateService::NewStub(channel_);
  }
  google::protobuf::Struct ShotFields() {
    google::protobuf::Struct fields;
    auto& f = *fields.mutable_fields();
    f["Sequence"] = Text("sq010");
    f["Shot"] = Text("sh0100");
    f["Step"] = Text("comp");
    f["name"] = Text("main");
    f["version"] = Number(12);
    return fields;
  }
  std::unique_ptr<v1::TemplateService::Stub> stub_;
};

TEST_F(TemplateServiceTest, ApplyThenParseRoundTripsTypedFields) {
  v1::ApplyTemplateRequest apply;
  apply.set_template_("nuke_shot_publish");
  *apply.mutable_fields() = ShotFields();
  v1::ApplyTemplateResponse applied;
  grpc::Status status = stub_->Apply(Context().get(), apply, &applied);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(applied.path(),
            "/mnt/projects/demo/sequences/sq010/sh0100/comp/publish/nuke/sh0100_main_v012.nk");

  v1::ParsePathRequest parse;
  parse.set_template_("nuke_shot_publish");
  parse.set_path(applied.path());
  v1::ParsePathResponse parsed;
  status = stub_->Parse(Context().get(), parse, &parsed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(parsed.fields().fields().at("Shot").string_value(), "sh0100");
  EXPECT_EQ(parsed.fields().fields().at("version").number_value(), 12);
}

TEST_F(TemplateServiceTest, MatchClassifiesEachPathBestFirst) {
  v1::MatchPathsRequest request;
  request.add_paths("/mnt/projects/demo/sequences/sq010/sh0100/comp/work/nuke/sh0100_main_v003.nk");
  request.add_paths("/somewhere/else/file.txt");
  v1::MatchPathsResponse response;
  grpc::Status status = stub_->Match(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 2);
  ASSERT_GE(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(0).matches(0).template_(), "nuke_shot_work");
  EXPECT_EQ(response.results(0).matches(0).fields().fields().at("version").number_value(), 3);
  EXPECT_EQ(response.results(1).matches_size(), 0);
}

TEST_F(TemplateServiceTest, ExplainSaysWhereAPathStopsFitting) {
  v1::ExplainPathRequest request;
  request.set_template_("nuke_shot_work");
  request.set_path("/mnt/projects/demo/sequences/sq010/sh0100/comp/work/maya/sh0100_main_v003.nk");
  v1::ExplainPathResponse response;
  ASSERT_TRUE(stub_->Explain(Context().get(), request, &response).ok());
  EXPECT_FALSE(response.matches());
  EXPECT_EQ(response.segment(), "maya");
  EXPECT_FALSE(response.reason().empty());
}

TEST_F(TemplateServiceTest, ValidateAndMissingKeysNameTheFields) {
  v1::MissingKeysRequest missing;
  missing.set_template_("nuke_shot_publish");
  google::protobuf::Struct partial = ShotFields();
  partial.mutable_fields()->erase("version");
  partial.mutable_fields()->erase("Step");
  *missing.mutable_fields() = partial;
  v1::MissingKeysResponse keys;
  ASSERT_TRUE(stub_->MissingKeys(Context().get(), missing, &keys).ok());
  std::vector<std::string> names(keys.keys().begin(), keys.keys().end());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"Step", "version"}));

  v1::ValidateFieldsRequest validate;
  validate.set_template_("nuke_shot_publish");
  *validate.mutable_fields() = ShotFields();
  (*validate.mutable_fields()->mutable_fields())["version"] = Text("twelve");
  v1::ValidateFieldsResponse problems;
  ASSERT_TRUE(stub_->Validate(Context().get(), validate, &problems).ok());
  EXPECT_FALSE(problems.valid());
  ASSERT_GE(problems.problems_size(), 1);
  EXPECT_EQ(problems.problems(0).field(), "version");
}

TEST_F(TemplateServiceTest, ListTemplatesDescribesTemplatesKeysAndAmbiguities) {
  v1::ListTemplatesResponse response;
  ASSERT_TRUE(stub_->ListTemplates(Context().get(), v1::ListTemplatesRequest(), &response).ok());
  EXPECT_GE(response.templates_size(), 60);
  bool found = false;
  for (const auto& t : response.templates()) {
    if (t.name() == "maya_shot_render") {
      found = true;
      EXPECT_EQ(t.root_name(), "secondary");
      EXPECT_EQ(t.kind(), "path");
    }
  }
  EXPECT_TRUE(found);
  bool version_key = false;
  for (const auto& key : response.keys()) {
    if (key.name() == "version") {
      version_key = true;
      EXPECT_EQ(key.type(), "int");
      EXPECT_EQ(key.format_spec(), "03");
    }
  }
  EXPECT_TRUE(version_key);
  EXPECT_GE(response.ambiguities_size(), 1);
}

TEST_F(TemplateServiceTest, ErrorsNameWhatIsWrong) {
  v1::ApplyTemplateRequest unknown;
  unknown.set_template_("no_such_template");
  v1::ApplyTemplateResponse applied;
  grpc::Status status = stub_->Apply(Context().get(), unknown, &applied);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("no_such_template"), std::string::npos);

  v1::ApplyTemplateRequest incomplete;
  incomplete.set_template_("nuke_shot_publish");
  *incomplete.mutable_fields() = ShotFields();
  incomplete.mutable_fields()->mutable_fields()->erase("Shot");
  status = stub_->Apply(Context().get(), incomplete, &applied);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("Shot"), std::string::npos) << status.error_message();

  v1::ParsePathRequest misfit;
  misfit.set_template_("nuke_shot_publish");
  misfit.set_path("/mnt/projects/demo/assets/prop/chair/model/publish/maya/chair_main_v001.ma");
  v1::ParsePathResponse parsed;
  status = stub_->Parse(Context().get(), misfit, &parsed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

class NoTemplatesTest : public InProcessBridge {};

TEST_F(NoTemplatesTest, TemplateCallsSayHowToConfigureTemplates) {
  auto stub = v1::TemplateService::NewStub(channel_);
  v1::ListTemplatesResponse response;
  grpc::Status status = stub->ListTemplates(Context().get(), v1::ListTemplatesRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("--templates"), std::string::npos);
}

class BadTemplatesTest : public ::testing::Test {};

TEST_F(BadTemplatesTest, ServerRefusesToStartWithABrokenTemplatesFile) {
  char pattern[] = "/tmp/pipebridge-bad-templates-XXXXXX";
  std::string root = ::mkdtemp(pattern);
  std::ofstream(root + "/templates.yml") << "keys:\n  Shot: {type: str}\npaths:\n  bad: \"{Shot}/{Nope}\"\n";
  server::ServerConfig config;
  config.grpc_port = 0;
  config.http_port = 0;
  config.tcp_port = 0;
  config.discovery_dir = root + "/discovery";
  config.project_dir = root + "/project";
  config.templates = root + "/templates.yml";
  config.roots = {{"primary", "/mnt/projects/demo"}};
  rpc::Logger quiet(rpc::LogLevel::kError);
  auto server = server::BridgeServer::Start(config, quiet);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("--templates"), std::string::npos);
  EXPECT_NE(server.status().message().find("Nope"), std::string::npos) << server.status();
  std::system(("rm -rf '" + root + "'").c_str());
}

}  // namespace
}  // namespace pipebridge::testing
