// EntityService through real gRPC against the seeded demo project.
#include <gtest/gtest.h>

#include "bridge/service/json_struct.h"
#include "pipebridge/v1/bridge.grpc.pb.h"
#include "pipebridge/v1/entities.grpc.pb.h"
#include "tests/service/in_process_bridge.h"

namespace pipebridge::testing {
namespace {

namespace v1 = pipebridge::v1;
using nlohmann::json;

google::protobuf::ListValue Filters(const json& filters) {
  google::protobuf::ListValue list;
  service::JsonToList(filters, &list);
  return list;
}

google::protobuf::Struct Data(const json& data) {
  google::protobuf::Struct out;
  service::JsonToStruct(data, &out);
  return out;
}

class EntityServiceTest : public InProcessBridge {
 protected:
  void Configure(server::ServerConfig& config) override { config.demo = true; }
  void SetUp() override {
    InProcessBridge::SetUp();
    stub_ = v1::EntityService::NewStub(channel_);
  }
  std::vector<json> Find(v1::FindEntitiesRequest request, bool* has_more = nullptr) {
    v1::FindEntitiesResponse response;
    grpc::Status status = stub_->Find(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (has_more) *has_more = response.has_more();
    std::vector<json> out;
    for (const auto& e : response.entities()) out.push_back(service::StructToJson(e));
    return out;
  }
  std::unique_ptr<v1::EntityService::Stub> stub_;
};

TEST_F(EntityServiceTest, FindsDemoShotsWithShotGridFilters) {
  v1::FindEntitiesRequest request;
  request.set_entity_type("Shot");
  *request.mutable_filters() = Filters(json::parse(R"([["sg_sequence.Sequence.code", "is", "sq010"]])"));
  request.add_fields("code");
  request.add_fields("sg_sequence");
  auto shot = request.add_order();
  shot->set_field_name("code");
  shot->set_direction(v1::SORT_DIRECTION_DESC);
  auto shots = Find(request);
  ASSERT_GE(shots.size(), 2u);
  for (const auto& s : shots) {
    EXPECT_EQ(s["type"], "Shot");
    EXPECT_TRUE(s["id"].is_number_integer());
    EXPECT_EQ(s["sg_sequence"]["type"], "Sequence");
  }
  EXPECT_GT(shots[0]["code"].get<std::string>(), shots[1]["code"].get<std::string>());
}

TEST_F(EntityServiceTest, PagesSayWhetherMoreExist) {
  v1::FindEntitiesRequest request;
  request.set_entity_type("Shot");
  request.mutable_page()->set_limit(4);
  bool more = false;
  auto first = Find(request, &more);
  EXPECT_EQ(first.size(), 4u);
  EXPECT_TRUE(more);
  request.mutable_page()->set_page(2);
  auto second = Find(request, &more);
  EXPECT_EQ(second.size(), 2u) << "the demo has six shots";
  EXPECT_FALSE(more);
  EXPECT_NE(first.back()["id"], second.front()["id"]);
}

TEST_F(EntityServiceTest, CreateUpdateRetireReviveRoundTrip) {
  v1::CreateEntityRequest create;
  create.set_entity_type("Asset");
  *create.mutable_data() = Data({{"code", "lamp"}, {"sg_asset_type", "Prop"}});
  v1::CreateEntityResponse created;
  grpc::Status status = stub_->Create(Context().get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  json asset = service::StructToJson(created.entity());
  const int id = asset["id"].get<int>();
  EXPECT_EQ(asset["code"], "lamp");

  v1::UpdateEntityRequest update;
  update.set_entity_type("Asset");
  update.set_id(id);
  *update.mutable_data() = Data({{"description", "a desk lamp"}});
  v1::UpdateEntityResponse updated;
  ASSERT_TRUE(stub_->Update(Context().get(), update, &updated).ok());
  EXPECT_EQ(service::StructToJson(updated.entity())["description"], "a desk lamp");

  v1::DeleteEntityRequest remove;
  remove.set_entity_type("Asset");
  remove.set_id(id);
  v1::DeleteEntityResponse removed;
  ASSERT_TRUE(stub_->Delete(Context().get(), remove, &removed).ok());
  EXPECT_TRUE(removed.retired());

  v1::GetEntityRequest get;
  get.set_entity_type("Asset");
  get.set_id(id);
  v1::GetEntityResponse got;
  EXPECT_EQ(stub_->Get(Context().get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ReviveEntityRequest revive;
  revive.set_entity_type("Asset");
  revive.set_id(id);
  v1::ReviveEntityResponse revived;
  ASSERT_TRUE(stub_->Revive(Context().get(), revive, &revived).ok());
  EXPECT_TRUE(revived.revived());
  ASSERT_TRUE(stub_->Get(Context().get(), get, &got).ok());
  EXPECT_EQ(service::StructToJson(got.entity())["description"], "a desk lamp");
}

TEST_F(EntityServiceTest, BatchIsAllOrNothingAndNamesTheFailingItem) {
  v1::BatchEntitiesRequest batch;
  auto* first = batch.add_requests()->mutable_create();
  first->set_entity_type("Asset");
  *first->mutable_data() = Data({{"code", "batch_ok"}});
  auto* second = batch.add_requests()->mutable_create();
  second->set_entity_type("Asset");
  *second->mutable_data() = Data({{"code", 42}});
  v1::BatchEntitiesResponse response;
  grpc::Status status = stub_->Batch(Context().get(), batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("requests[1].data.code"), std::string::npos)
      << status.error_message();

  v1::FindEntitiesRequest find;
  find.set_entity_type("Asset");
  *find.mutable_filters() = Filters(json::parse(R"([["code", "is", "batch_ok"]])"));
  EXPECT_TRUE(Find(find).empty()) << "nothing of a failed batch is stored";
}

TEST_F(EntityServiceTest, BadFiltersNameTheirPath) {
  v1::FindEntitiesRequest request;
  request.set_entity_type("Shot");
  *request.mutable_filters() =
      Filters(json::parse(R"([["code", "is", "sh010"], ["code", "iss", "x"]])"));
  v1::FindEntitiesResponse response;
  grpc::Status status = stub_->Find(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("filters[1][1]"), std::string::npos) << status.error_message();

  request.set_entity_type("Shott");
  status = stub_->Find(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("Shott"), std::string::npos);
}

TEST_F(EntityServiceTest, SchemaAndSummarize) {
  v1::GetSchemaRequest schema_request;
  schema_request.set_entity_type("Shot");
  v1::GetSchemaResponse schema;
  ASSERT_TRUE(stub_->Schema(Context().get(), schema_request, &schema).ok());
  ASSERT_EQ(schema.entity_types_size(), 1);
  bool sequence_link = false;
  for (const auto& field : schema.entity_types(0).fields()) {
    if (field.name() == "sg_sequence") {
      sequence_link = field.data_type() == v1::FIELD_TYPE_ENTITY;
      EXPECT_EQ(field.link_types(0), "Sequence");
    }
  }
  EXPECT_TRUE(sequence_link);

  v1::SummarizeEntitiesRequest summarize;
  summarize.set_entity_type("Shot");
  auto* count = summarize.add_summary_fields();
  count->set_field("id");
  count->set_type("count");
  summarize.add_grouping()->set_field("sg_sequence");
  v1::SummarizeEntitiesResponse summary;
  grpc::Status status = stub_->Summarize(Context().get(), summarize, &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.summaries().fields().at("id").number_value(), 6);
  ASSERT_EQ(summary.groups_size(), 2);
  EXPECT_EQ(summary.groups(0).summaries().fields().at("id").number_value() +
                summary.groups(1).summaries().fields().at("id").number_value(),
            6);
}

TEST_F(EntityServiceTest, GetInfoNamesTheDemoProject) {
  auto bridge = v1::BridgeService::NewStub(channel_);
  v1::GetInfoResponse info;
  ASSERT_TRUE(bridge->GetInfo(Context().get(), v1::GetInfoRequest(), &info).ok());
  EXPECT_EQ(info.project(), "demo");
}

}  // namespace
}  // namespace pipebridge::testing
