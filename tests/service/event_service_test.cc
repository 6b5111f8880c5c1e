// EventService through real gRPC: every store change is an event, custom events, List,
// and Subscribe replaying history then going live.
#include <gtest/gtest.h>

#include <thread>

#include "bridge/service/json_struct.h"
#include "pipebridge/v1/entities.grpc.pb.h"
#include "pipebridge/v1/events.grpc.pb.h"
#include "tests/service/in_process_bridge.h"

namespace pipebridge::testing {
namespace {

namespace v1 = pipebridge::v1;
using nlohmann::json;

class EventServiceTest : public InProcessBridge {
 protected:
  void Configure(server::ServerConfig& config) override { config.demo = true; }
  void SetUp() override {
    InProcessBridge::SetUp();
    events_ = v1::EventService::NewStub(channel_);
    entities_ = v1::EntityService::NewStub(channel_);
  }
  int CreateAsset(const std::string& code) {
    v1::CreateEntityRequest create;
    create.set_entity_type("Asset");
    service::JsonToStruct(json{{"code", code}}, create.mutable_data());
    v1::CreateEntityResponse created;
    grpc::Status status = entities_->Create(Context().get(), create, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return static_cast<int>(created.entity().fields().at("id").number_value());
  }
  std::unique_ptr<v1::EventService::Stub> events_;
  std::unique_ptr<v1::EntityService::Stub> entities_;
};

TEST_F(EventServiceTest, EveryEntityChangeIsOneEventWithItsChanges) {
  v1::ListEventsRequest before;
  before.add_topics("entity.Asset.*");
  before.set_limit(5000);
  v1::ListEventsResponse seeded;
  ASSERT_TRUE(events_->List(Context().get(), before, &seeded).ok());
  const int seeded_assets = seeded.events_size();
  EXPECT_EQ(seeded_assets, 5) << "the demo seed created five assets";

  const int id = CreateAsset("teapot");
  v1::UpdateEntityRequest update;
  update.set_entity_type("Asset");
  update.set_id(id);
  service::JsonToStruct(json{{"description", "blue"}}, update.mutable_data());
  v1::UpdateEntityResponse updated;
  ASSERT_TRUE(entities_->Update(Context().get(), update, &updated).ok());

  v1::ListEventsRequest after = before;
  after.set_after_id(seeded.events(seeded_assets - 1).id());
  v1::ListEventsResponse listed;
  ASSERT_TRUE(events_->List(Context().get(), after, &listed).ok());
  ASSERT_EQ(listed.events_size(), 2);
  EXPECT_EQ(listed.events(0).topic(), "entity.Asset.created");
  EXPECT_EQ(listed.events(1).topic(), "entity.Asset.updated");
  EXPECT_EQ(listed.events(1).id(), listed.events(0).id() + 1) << "gapless ids";
  const json payload = service::StructToJson(listed.events(1).payload());
  EXPECT_EQ(payload["entity"], (json{{"type", "Asset"}, {"id", id}}));
  EXPECT_EQ(payload["changes"]["description"]["new"], "blue");
  EXPECT_EQ(listed.events(1).project().name(), "Demo");
}

TEST_F(EventServiceTest, CustomEventsPublishAndReservedTopicsAreRefused) {
  v1::PublishEventRequest publish;
  publish.set_topic("review.requested");
  service::JsonToStruct(json{{"shot", "sh010"}}, publish.mutable_payload());
  v1::PublishEventResponse published;
  ASSERT_TRUE(events_->Publish(Context().get(), publish, &published).ok());
  EXPECT_EQ(published.event().topic(), "review.requested");
  EXPECT_GT(published.event().id(), 0);

  publish.set_topic("publish.created");
  grpc::Status status = events_->Publish(Context().get(), publish, &published);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("topic"), std::string::npos);

  v1::ListEventsRequest bad;
  service::JsonToList(json::parse(R"([["payload.shot", "iss", "sh010"]])"), bad.mutable_filters());
  v1::ListEventsResponse listed;
  status = events_->List(Context().get(), bad, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("filters[0][1]"), std::string::npos) << status.error_message();
}

TEST_F(EventServiceTest, SubscribeReplaysThenGoesLiveWithoutGapOrDuplicate) {
  auto context = Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::SubscribeEventsRequest request;
  request.set_from_beginning(true);
  auto reader = events_->Subscribe(context.get(), request);

  // Writers run while the subscriber replays the seed's history.
  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) CreateAsset("live" + std::to_string(i));
  });
  std::vector<int64_t> ids;
  int live_seen = 0;
  v1::SubscribeEventsResponse response;
  while (live_seen < 20 && reader->Read(&response)) {
    ids.push_back(response.event().id());
    if (response.event().topic() == "entity.Asset.created" &&
        response.event().payload().fields().count("changes") &&
        service::StructToJson(response.event().payload())["changes"]["code"]["new"]
                .get<std::string>()
                .rfind("live", 0) == 0) {
      ++live_seen;
    }
  }
  writer.join();
  EXPECT_EQ(live_seen, 20);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), 1);
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_EQ(ids[i], ids[i - 1] + 1) << "at " << i;
  context->TryCancel();
  reader->Finish();
}

TEST_F(EventServiceTest, SubscribeFiltersByTopicAndPayload) {
  auto context = Context();
  v1::SubscribeEventsRequest request;
  request.add_topics("entity.Asset.created");
  service::JsonToList(json::parse(R"([["payload.changes.code.new", "starts_with", "wanted"]])"),
                      request.mutable_filters());
  auto reader = events_->Subscribe(context.get(), request);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // live from now
  CreateAsset("other1");
  CreateAsset("wanted1");
  CreateAsset("other2");
  CreateAsset("wanted2");
  v1::SubscribeEventsResponse response;
  std::vector<std::string> codes;
  while (codes.size() < 2 && reader->Read(&response)) {
    codes.push_back(service::StructToJson(response.event().payload())["changes"]["code"]["new"]);
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"wanted1", "wanted2"}));
  context->TryCancel();
  reader->Finish();
}

TEST_F(EventServiceTest, SubscribeWithABadFilterEndsWithTheError) {
  auto context = Context();
  v1::SubscribeEventsRequest request;
  service::JsonToList(json::parse(R"([["payload.x", "nope", 1]])"), request.mutable_filters());
  auto reader = events_->Subscribe(context.get(), request);
  v1::SubscribeEventsResponse response;
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("filters[0][1]"), std::string::npos) << status.error_message();
}

}  // namespace
}  // namespace pipebridge::testing
