#include "bridge/core/entities/demo_project.h"
#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

using DemoProjectTest = StoreTest;

TEST_F(DemoProjectTest, SeedsOnceAndIsIdempotent) {
  int changes = 0;
  store_->SetChangeListener([&](sqlite::Transaction&, const ChangeRecord&) {
    ++changes;
    return absl::OkStatus();
  });
  auto first = SeedDemoProject(*store_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  int after_first = changes;
  EXPECT_GT(after_first, 20);
  auto second = SeedDemoProject(*store_);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->project_id, first->project_id);
  EXPECT_EQ(changes, after_first);

  json project = Link("Project", first->project_id);
  EXPECT_EQ(FindIds("Project", {{"code", "is", "demo"}}).size(), 1u);
  EXPECT_EQ(FindIds("Sequence", {{"project", "is", project}}).size(), 2u);
  EXPECT_EQ(FindIds("Shot", {{"project", "is", project}}).size(), 6u);
  EXPECT_EQ(FindIds("Asset", {{"sg_asset_type", "in", {"Character", "Prop", "Environment"}}}).size(), 5u);
  EXPECT_EQ(FindIds("Step", json::array()).size(), 7u);
  EXPECT_EQ(FindIds("HumanUser", json::array()).size(), 3u);
  EXPECT_GE(FindIds("Task", {{"project", "is", project}}).size(), 5u);
  auto anim = Find("Task", {{"step.Step.code", "is", "anim"}}, {"entity", "task_assignees"});
  ASSERT_FALSE(anim.empty());
  EXPECT_EQ(anim[0]["entity"]["type"], "Shot");
  EXPECT_EQ(anim[0]["task_assignees"][0]["name"], "Ada Lovelace");
}

}  // namespace
}  // namespace pipebridge::core::entities::testing
