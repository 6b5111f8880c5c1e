// PublishService through real gRPC: register with reserved versions, latest, dependencies
// and what goes stale, on the demo project; each publish is one publish.created event.
#include <gtest/gtest.h>

#include "bridge/service/json_struct.h"
#include "pipebridge/v1/context.grpc.pb.h"
#include "pipebridge/v1/events.grpc.pb.h"
#include "pipebridge/v1/publishes.grpc.pb.h"
#include "tests/service/in_process_bridge.h"

namespace pipebridge::testing {
namespace {

namespace v1 = pipebridge::v1;

class PublishServiceTest : public InProcessBridge {
 protected:
  void Configure(server::ServerConfig& config) override {
    config.demo = true;
    config.roots = {{"primary", "/mnt/projects/demo"}, {"secondary", "/mnt/renders/demo"}};
  }
  void SetUp() override {
    InProcessBridge::SetUp();
    stub_ = v1::PublishService::NewStub(channel_);
    auto contexts = v1::ContextService::NewStub(channel_);
    v1::ContextFromPathRequest request;
    request.set_path("/mnt/projects/demo/assets/Character/hero/model/work/maya/hero_main_v001.ma");
    v1::ContextFromPathResponse response;
    grpc::Status status = contexts->FromPath(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    hero_model_ = response.context();
  }
  v1::Publish Register(const std::string& path, const std::string& name, const std::string& type,
                       std::vector<int> dependencies = {}, grpc::Status* status_out = nullptr) {
    v1::RegisterPublishRequest request;
    request.set_path(path);
    request.set_name(name);
    request.set_publish_type(type);
    *request.mutable_context() = hero_model_;
    for (int id : dependencies) request.add_dependencies()->set_id(id);
    v1::RegisterPublishResponse response;
    grpc::Status status = stub_->Register(Context().get(), request, &response);
    if (status_out) *status_out = status;
    else EXPECT_TRUE(status.ok()) << status.error_message();
    return response.publish();
  }
  std::unique_ptr<v1::PublishService::Stub> stub_;
  v1::Context hero_model_;
};

TEST_F(PublishServiceTest, RegisterReservesVersionsAndFindLatestSeesTheNewest) {
  v1::Publish first = Register("/mnt/projects/demo/assets/Character/hero/model/publish/maya/hero_main_v001.ma",
                               "hero_main", "Maya Scene");
  v1::Publish second = Register("/mnt/projects/demo/assets/Character/hero/model/publish/maya/hero_main_v002.ma",
                                "hero_main", "Maya Scene");
  EXPECT_EQ(first.version(), 1);
  EXPECT_EQ(second.version(), 2);
  EXPECT_EQ(second.context().entity().name(), "hero");

  v1::ReserveVersionRequest reserve;
  *reserve.mutable_context() = hero_model_;
  reserve.set_name("hero_main");
  reserve.set_publish_type("Maya Scene");
  v1::ReserveVersionResponse reserved;
  ASSERT_TRUE(stub_->ReserveVersion(Context().get(), reserve, &reserved).ok());
  EXPECT_EQ(reserved.version(), 3);

  v1::FindLatestPublishesRequest latest;
  *latest.mutable_context() = hero_model_;
  v1::FindLatestPublishesResponse found;
  ASSERT_TRUE(stub_->FindLatest(Context().get(), latest, &found).ok());
  ASSERT_EQ(found.publishes_size(), 1);
  EXPECT_EQ(found.publishes(0).id(), second.id());

  v1::GetPublishRequest by_path;
  by_path.set_path(first.path());
  v1::GetPublishResponse got;
  ASSERT_TRUE(stub_->Get(Context().get(), by_path, &got).ok());
  EXPECT_EQ(got.publish().id(), first.id());
}

TEST_F(PublishServiceTest, DependenciesDownstreamAndStale) {
  v1::Publish model = Register("/mnt/projects/demo/assets/Character/hero/model/publish/maya/hero_main_v001.ma",
                               "hero_main", "Maya Scene");
  v1::Publish texture = Register("/mnt/renders/demo/hero_diffuse_v001.tif", "hero_diffuse", "Texture",
                                 {model.id()});
  v1::DownstreamRequest downstream;
  downstream.set_id(model.id());
  v1::DownstreamResponse below;
  ASSERT_TRUE(stub_->Downstream(Context().get(), downstream, &below).ok());
  ASSERT_EQ(below.publishes_size(), 1);
  EXPECT_EQ(below.publishes(0).publish().id(), texture.id());
  EXPECT_EQ(below.publishes(0).depth(), 1);

  v1::UpstreamRequest upstream;
  upstream.set_id(texture.id());
  v1::UpstreamResponse above;
  ASSERT_TRUE(stub_->Upstream(Context().get(), upstream, &above).ok());
  ASSERT_EQ(above.publishes_size(), 1);
  EXPECT_EQ(above.publishes(0).publish().id(), model.id());

  v1::StaleIfRepublishedRequest stale;
  stale.set_id(model.id());
  v1::StaleIfRepublishedResponse stale_response;
  ASSERT_TRUE(stub_->StaleIfRepublished(Context().get(), stale, &stale_response).ok());
  ASSERT_EQ(stale_response.publishes_size(), 1);
  EXPECT_EQ(stale_response.publishes(0).publish().id(), texture.id());
}

TEST_F(PublishServiceTest, ErrorsNameTheField) {
  grpc::Status status;
  Register("/mnt/projects/demo/x_v001.ma", "x", "Maya Scene", {99999}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("dependencies[0]"), std::string::npos) << status.error_message();

  Register("/mnt/projects/demo/y_v001.ma", "y", "Maya Scene");
  Register("/mnt/projects/demo/y_v001.ma", "y2", "Maya Scene", {}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::RegisterPublishRequest no_entity;
  no_entity.set_path("/mnt/projects/demo/z.ma");
  no_entity.set_name("z");
  no_entity.set_publish_type("Maya Scene");
  v1::RegisterPublishResponse response;
  status = stub_->Register(Context().get(), no_entity, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("context.entity"), std::string::npos) << status.error_message();

  v1::RegisterPublishRequest misfit;
  misfit.set_path("/mnt/projects/demo/somewhere/else.ma");
  misfit.set_name("w");
  misfit.set_publish_type("Maya Scene");
  *misfit.mutable_context() = hero_model_;
  misfit.set_template_("maya_asset_publish");
  status = stub_->Register(Context().get(), misfit, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("path"), std::string::npos) << status.error_message();
}

TEST_F(PublishServiceTest, EachRegisterIsOnePublishCreatedEvent) {
  v1::Publish model = Register("/mnt/projects/demo/assets/Character/hero/model/publish/maya/hero_main_v001.ma",
                               "hero_main", "Maya Scene");
  auto events = v1::EventService::NewStub(channel_);
  v1::ListEventsRequest list;
  list.add_topics("publish.*");
  v1::ListEventsResponse listed;
  ASSERT_TRUE(events->List(Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).topic(), "publish.created");
  const auto payload = service::StructToJson(listed.events(0).payload());
  EXPECT_EQ(payload["entity"]["id"], model.id());
}

}  // namespace
}  // namespace pipebridge::testing
