// ContextService through real gRPC: demo templates + demo project.
#include <gtest/gtest.h>

#include "bridge/service/json_struct.h"
#include "pipebridge/v1/context.grpc.pb.h"
#include "pipebridge/v1/entities.grpc.pb.h"
#include "tests/service/in_process_bridge.h"

namespace pipebridge::testing {
namespace {

namespace v1 = pipebridge::v1;

class ContextServiceTest : public InProcessBridge {
 protected:
  void Configure(server::ServerConfig& config) override {
    config.demo = true;
    config.roots = {{"primary", "/mnt/projects/demo"}, {"secondary", "/mnt/renders/demo"}};
  }
  void SetUp() override {
    InProcessBridge::SetUp();
    stub_ = v1::ContextService::NewStub(channel_);
  }
  v1::Context FromPath(const std::string& path, grpc::Status* status = nullptr,
                       v1::ContextFromPathResponse* full = nullptr) {
    v1::ContextFromPathRequest request;
    request.set_path(path);
    v1::ContextFromPathResponse response;
    grpc::Status result = stub_->FromPath(Context().get(), request, &response);
    if (status) *status = result;
    else EXPECT_TRUE(result.ok()) << result.error_message();
    if (full) *full = response;
    return response.context();
  }
  std::unique_ptr<v1::ContextService::Stub> stub_;
};

TEST_F(ContextServiceTest, FromPathResolvesShotStepAndSequence) {
  v1::ContextFromPathResponse full;
  v1::Context context =
      FromPath("/mnt/projects/demo/sequences/sq010/sh020/anim/work/maya/sh020_blocking_v004.ma", nullptr, &full);
  EXPECT_EQ(full.template_(), "maya_shot_work");
  EXPECT_EQ(full.fields().fields().at("version").number_value(), 4);
  EXPECT_EQ(context.project().type(), "Project");
  EXPECT_EQ(context.project().name(), "Demo");
  EXPECT_EQ(context.entity().type(), "Shot");
  EXPECT_EQ(context.entity().name(), "sh020");
  EXPECT_EQ(context.step().type(), "Step");
  EXPECT_EQ(context.step().name(), "anim");
  ASSERT_EQ(context.additional_entities_size(), 1);
  EXPECT_EQ(context.additional_entities(0).name(), "sq010");
}

TEST_F(ContextServiceTest, FromPathOfAnAssetUsesEveryKeyOfItsType) {
  v1::Context context =
      FromPath("/mnt/projects/demo/assets/Prop/lantern/model/publish/maya/lantern_main_v002.ma");
  EXPECT_EQ(context.entity().type(), "Asset");
  EXPECT_EQ(context.entity().name(), "lantern");
  EXPECT_EQ(context.step().name(), "model");
}

TEST_F(ContextServiceTest, FromPathErrorsSayWhatIsMissing) {
  grpc::Status status;
  FromPath("/mnt/projects/demo/sequences/sq010/sh999/anim/work/maya/sh999_blocking_v004.ma", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("sh999"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("key Shot"), std::string::npos) << status.error_message();

  FromPath("/home/artist/Desktop/thing.ma", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ContextFromPathResponse full;
  v1::Context project_only = FromPath("/mnt/projects/demo/unsorted/notes.txt", nullptr, &full);
  EXPECT_EQ(full.template_(), "");
  EXPECT_EQ(project_only.project().name(), "Demo");
  EXPECT_FALSE(project_only.has_entity());
}

TEST_F(ContextServiceTest, FromEntityOfATaskGivesItsShotStepAndProject) {
  auto entities = v1::EntityService::NewStub(channel_);
  v1::FindEntitiesRequest find;
  find.set_entity_type("Task");
  service::JsonToList(nlohmann::json::parse(R"([["content", "is", "Animation"],
                                                ["entity.Shot.code", "is", "sh020"]])"),
                      find.mutable_filters());
  v1::FindEntitiesResponse tasks;
  ASSERT_TRUE(entities->Find(Context().get(), find, &tasks).ok());
  ASSERT_EQ(tasks.entities_size(), 1);
  v1::ContextFromEntityRequest task_request;
  task_request.mutable_entity()->set_type("Task");
  task_request.mutable_entity()->set_id(
      static_cast<int32_t>(tasks.entities(0).fields().at("id").number_value()));
  v1::ContextFromEntityResponse task_context;
  grpc::Status task_status = stub_->FromEntity(Context().get(), task_request, &task_context);
  ASSERT_TRUE(task_status.ok()) << task_status.error_message();
  EXPECT_EQ(task_context.context().task().name(), "Animation");
  EXPECT_EQ(task_context.context().entity().type(), "Shot");
  EXPECT_EQ(task_context.context().step().name(), "anim");
  EXPECT_EQ(task_context.context().project().type(), "Project");
}

TEST_F(ContextServiceTest, FromEntityOfAShotGivesItsSequenceAndProject) {
  v1::Context from_path =
      FromPath("/mnt/projects/demo/sequences/sq010/sh020/anim/work/maya/sh020_blocking_v004.ma");
  v1::ContextFromEntityRequest request;
  *request.mutable_entity() = from_path.entity();
  v1::ContextFromEntityResponse response;
  ASSERT_TRUE(stub_->FromEntity(Context().get(), request, &response).ok());
  EXPECT_EQ(response.context().entity().id(), from_path.entity().id());
  EXPECT_EQ(response.context().project().id(), from_path.project().id());
  ASSERT_EQ(response.context().additional_entities_size(), 1);
  EXPECT_EQ(response.context().additional_entities(0).type(), "Sequence");

  request.mutable_entity()->set_type("Shot");
  request.mutable_entity()->set_id(99999);
  grpc::Status status = stub_->FromEntity(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ContextServiceTest, ToFieldsFillsTheTemplateKeysAndApplyUsesThem) {
  v1::Context context =
      FromPath("/mnt/projects/demo/sequences/sq010/sh020/anim/work/maya/sh020_blocking_v004.ma");
  v1::ContextToFieldsRequest request;
  // Only the shot: the Sequence comes from the shot's own link.
  *request.mutable_context()->mutable_entity() = context.entity();
  *request.mutable_context()->mutable_step() = context.step();
  request.set_template_("nuke_shot_publish");
  v1::ContextToFieldsResponse response;
  grpc::Status status = stub_->ToFields(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto fields = service::StructToJson(response.fields());
  EXPECT_EQ(fields, (nlohmann::json{{"Sequence", "sq010"}, {"Shot", "sh020"}, {"Step", "anim"}}));
}

TEST_F(ContextServiceTest, SerializeRoundTripsAndRejectsDamage) {
  v1::Context context =
      FromPath("/mnt/projects/demo/sequences/sq010/sh020/anim/work/maya/sh020_blocking_v004.ma");
  v1::SerializeContextRequest serialize;
  *serialize.mutable_context() = context;
  v1::SerializeContextResponse serialized;
  ASSERT_TRUE(stub_->Serialize(Context().get(), serialize, &serialized).ok());
  EXPECT_EQ(serialized.serialized().rfind("pbctx1:", 0), 0u);

  v1::DeserializeContextRequest deserialize;
  deserialize.set_serialized(serialized.serialized());
  v1::DeserializeContextResponse back;
  ASSERT_TRUE(stub_->Deserialize(Context().get(), deserialize, &back).ok());
  EXPECT_EQ(back.context().SerializeAsString(), context.SerializeAsString());

  deserialize.set_serialized("pbctx1:!!!");
  grpc::Status status = stub_->Deserialize(Context().get(), deserialize, &back);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  serialize.mutable_context()->mutable_entity()->set_id(0);
  serialize.mutable_context()->mutable_entity()->set_type("Shot");
  status = stub_->Serialize(Context().get(), serialize, &serialized);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("context.entity.id"), std::string::npos) << status.error_message();
}

}  // namespace
}  // namespace pipebridge::testing
