// FindLatest and Find (ShotGrid filters over publish fields).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "bridge/core/publishes/publish_store.h"
#include "tests/core/publishes/publish_fixture.h"

namespace pipebridge::core::publishes::testing {
namespace {

std::vector<std::string> Paths(const std::vector<Publish>& publishes) {
  std::vector<std::string> out;
  for (const Publish& p : publishes) out.push_back(p.path);
  return out;
}

class FindTest : public PublishTest {
 public:
  void SetUp() override {
    PublishTest::SetUp();
    MustRegister(Request("/p/model.v1"));                       // hero_model Maya v1
    MustRegister(Request("/p/model.v2"));                       // hero_model Maya v2
    MustRegister(Request("/p/model.abc.v1", "hero_model", "Alembic Cache"));
    RegisterRequest anim = Request("/p/anim.v1", "anim_cache", "Alembic Cache");
    anim.context["task"] = Link("Task", task_anim);
    MustRegister(anim);
    anim.path = "/p/anim.v2";
    MustRegister(anim);
    RegisterRequest comp = Request("/p/comp.v7", "comp", "Nuke Script");
    comp.context["task"] = Link("Task", task_comp);
    comp.version = 7;
    comp.created_by = "bob";
    MustRegister(comp);
    RegisterRequest elsewhere = Request("/p/other.v1");
    elsewhere.context = ShotContext(1);
    MustRegister(elsewhere);
  }
};

TEST_F(FindTest, FindLatestGivesTheHighestVersionOfEachNameAndType) {
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> latest, publishes_->FindLatest({ShotContext(), "", ""}));
  EXPECT_EQ(Paths(latest), (std::vector<std::string>{"/p/anim.v2", "/p/comp.v7", "/p/model.abc.v1", "/p/model.v2"}));
}

TEST_F(FindTest, FindLatestNarrowsByNameTypeTaskAndStep) {
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> by_name, publishes_->FindLatest({ShotContext(), "hero_model", ""}));
  EXPECT_EQ(Paths(by_name), (std::vector<std::string>{"/p/model.abc.v1", "/p/model.v2"}));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> by_type,
                          publishes_->FindLatest({ShotContext(), "hero_model", "Maya Scene"}));
  EXPECT_EQ(Paths(by_type), (std::vector<std::string>{"/p/model.v2"}));
  json on_task = {{"entity", Link("Shot", shots[0])}, {"task", Link("Task", task_anim)}};
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> by_task, publishes_->FindLatest({on_task, "", ""}));
  EXPECT_EQ(Paths(by_task), (std::vector<std::string>{"/p/anim.v2"}));
  json on_step = {{"entity", Link("Shot", shots[0])}, {"step", Link("Step", step_comp)}};
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> by_step, publishes_->FindLatest({on_step, "", ""}));
  EXPECT_EQ(Paths(by_step), (std::vector<std::string>{"/p/comp.v7"}));
}

TEST_F(FindTest, FindLatestSkipsRetiredPublishes) {
  PB_ASSERT_OK_AND_ASSIGN(Publish v2, publishes_->GetByPath("/p/model.v2"));
  ASSERT_TRUE(entities_->Retire("PublishedFile", v2.id).ok());
  PB_ASSERT_OK_AND_ASSIGN(std::vector<Publish> latest,
                          publishes_->FindLatest({ShotContext(), "hero_model", "Maya Scene"}));
  EXPECT_EQ(Paths(latest), (std::vector<std::string>{"/p/model.v1"}));
  EXPECT_EQ(publishes_->Get(v2.id).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FindTest, FindFiltersOrdersAndPagesOverPublishFields) {
  FindPublishesRequest request;
  request.filters = json::array({json::array({"publish_type", "is", "Alembic Cache"}),
                                 json::array({"version", "greater_than", 0}),
                                 json::array({"entity", "is", Link("Shot", shots[0])})});
  request.order = {{"version", "desc"}, {"path", "asc"}};
  PB_ASSERT_OK_AND_ASSIGN(FindPublishesResult all, publishes_->Find(request));
  EXPECT_EQ(Paths(all.publishes), (std::vector<std::string>{"/p/anim.v2", "/p/anim.v1", "/p/model.abc.v1"}));
  EXPECT_FALSE(all.has_more);

  request.limit = 2;
  PB_ASSERT_OK_AND_ASSIGN(FindPublishesResult page1, publishes_->Find(request));
  EXPECT_EQ(Paths(page1.publishes), (std::vector<std::string>{"/p/anim.v2", "/p/anim.v1"}));
  EXPECT_TRUE(page1.has_more);
  request.page = 2;
  PB_ASSERT_OK_AND_ASSIGN(FindPublishesResult page2, publishes_->Find(request));
  EXPECT_EQ(Paths(page2.publishes), (std::vector<std::string>{"/p/model.abc.v1"}));
  EXPECT_FALSE(page2.has_more);
}

TEST_F(FindTest, FindUnderstandsLoginsLinksAndDottedFields) {
  FindPublishesRequest by_login;
  by_login.filters = json::array({json::array({"created_by", "is", "bob"})});
  PB_ASSERT_OK_AND_ASSIGN(FindPublishesResult bob, publishes_->Find(by_login));
  EXPECT_EQ(Paths(bob.publishes), (std::vector<std::string>{"/p/comp.v7"}));

  FindPublishesRequest dotted;
  dotted.filters = json::array({json::array({"entity.Shot.code", "is", "sh020"})});
  PB_ASSERT_OK_AND_ASSIGN(FindPublishesResult other, publishes_->Find(dotted));
  EXPECT_EQ(Paths(other.publishes), (std::vector<std::string>{"/p/other.v1"}));

  FindPublishesRequest any;
  any.filter_operator = "any";
  any.filters = json::array({json::array({"name", "is", "comp"}), json::array({"path", "ends_with", "other.v1"})});
  any.order = {{"id", "asc"}};
  PB_ASSERT_OK_AND_ASSIGN(FindPublishesResult either, publishes_->Find(any));
  EXPECT_EQ(Paths(either.publishes), (std::vector<std::string>{"/p/comp.v7", "/p/other.v1"}));
}

TEST_F(FindTest, FindFiltersAndOrdersOnMetadataKeys) {
  RegisterRequest arnold = Request("/p/lookdev.v1", "lookdev", "Render");
  arnold.metadata = {{"renderer", "arnold"}, {"samples", 64}, {"aov", {{"beauty", true}}}};
  MustRegister(arnold);
  RegisterRequest karma = Request("/p/lookdev.v2", "lookdev", "Render");
  karma.metadata = {{"renderer", "karma"}, {"samples", 128}, {"aov", {{"beauty", false}}}};
  MustRegister(karma);
  RegisterRequest bare = Request("/p/lookdev.v3", "lookdev", "Render");
  MustRegister(bare);
  auto find = [&](json filter, std::vector<entities::OrderBy> order = {}) {
    FindPublishesRequest request;
    request.filters = json::array({json::array({"name", "is", "lookdev"}), std::move(filter)});
    request.order = order.empty() ? std::vector<entities::OrderBy>{{"path", "asc"}} : std::move(order);
    auto result = publishes_->Find(request);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? Paths(result->publishes) : std::vector<std::string>{};
  };
  using Paths_ = std::vector<std::string>;
  EXPECT_EQ(find(json::array({"metadata.renderer", "is", "arnold"})), Paths_{"/p/lookdev.v1"});
  EXPECT_EQ(find(json::array({"metadata.renderer", "is_not", "arnold"})),
            (Paths_{"/p/lookdev.v2", "/p/lookdev.v3"}));
  EXPECT_EQ(find(json::array({"metadata.renderer", "is", nullptr})), Paths_{"/p/lookdev.v3"});
  EXPECT_EQ(find(json::array({"metadata.samples", "greater_than", 100})), Paths_{"/p/lookdev.v2"});
  EXPECT_EQ(find(json::array({"metadata.samples", "between", json::array({60, 70})})), Paths_{"/p/lookdev.v1"});
  EXPECT_EQ(find(json::array({"metadata.renderer", "in", json::array({"karma", "redshift"})})),
            Paths_{"/p/lookdev.v2"});
  EXPECT_EQ(find(json::array({"metadata.renderer", "starts_with", "ar"})), Paths_{"/p/lookdev.v1"});
  EXPECT_EQ(find(json::array({"metadata.aov.beauty", "is", true})), Paths_{"/p/lookdev.v1"});
  EXPECT_EQ(find(json::array({"metadata.renderer", "is_not", nullptr}), {{"metadata.samples", "desc"}}),
            (Paths_{"/p/lookdev.v2", "/p/lookdev.v1"}));

  FindPublishesRequest bad;
  bad.filters = json::array({json::array({"metadata.render er", "is", "x"})});
  EXPECT_EQ(publishes_->Find(bad).status().message(),
            "filters[0][0]: json key \"render er\" in \"metadata.render er\": keys are letters, digits, '_' and '-'");
  bad.filters = json::array({json::array({"metadata", "is", "x"})});
  EXPECT_TRUE(absl::StartsWith(publishes_->Find(bad).status().message(), "filters[0][0]: filter on a key"));
  bad.filters = json::array({json::array({"metadata.renderer", "is", json::object()})});
  EXPECT_TRUE(absl::StartsWith(publishes_->Find(bad).status().message(), "filters[0][2]: expected a string"))
      << publishes_->Find(bad).status();
}

TEST_F(FindTest, FindNamesUnknownFieldsByTheirPath) {
  FindPublishesRequest request;
  request.filters = json::array({json::array({"name", "is", "x"}),
                                 json::object({{"filter_operator", "any"},
                                               {"filters", json::array({json::array({"colour", "is", "red"})})}})});
  absl::Status status = publishes_->Find(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "filters[1].filters[0][0]: unknown publish field \"colour\"");

  request.filters = json::array({json::array({"name", "iss", "x"})});
  status = publishes_->Find(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "filters[0][1]: ")) << status;

  request.filters = json::array();
  request.order = {{"size", "asc"}};
  status = publishes_->Find(request).status();
  EXPECT_EQ(status.message(), "order[0].field_name: unknown publish field \"size\"");
}

}  // namespace
}  // namespace pipebridge::core::publishes::testing
