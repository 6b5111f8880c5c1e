// Upstream / Downstream walks with depth, and StaleIfRepublished.
#include <string>
#include <utility>
#include <vector>

#include "bridge/core/publishes/publish_store.h"
#include "tests/core/publishes/publish_fixture.h"

namespace pipebridge::core::publishes::testing {
namespace {

using Hops = std::vector<std::pair<std::string, int>>;

Hops Names(const std::vector<RelatedPublish>& related) {
  Hops out;
  for (const RelatedPublish& r : related) out.emplace_back(r.publish.name, r.depth);
  return out;
}

// rig <- anim <- light <- comp, and comp also uses rig directly:
//   rig(A)  anim(B, deps A)  light(C, deps B by path)  comp(D, deps A, C)
class DependencyTest : public PublishTest {
 public:
  void SetUp() override {
    PublishTest::SetUp();
    a = MustRegister(Request("/p/rig", "rig"));
    RegisterRequest b_request = Request("/p/anim", "anim");
    b_request.dependencies = {DependencyRef::ById(a.id)};
    b = MustRegister(b_request);
    RegisterRequest c_request = Request("/p/light", "light");
    c_request.dependencies = {DependencyRef::ByPath("/p/anim")};
    c = MustRegister(c_request);
    RegisterRequest d_request = Request("/p/comp", "comp");
    d_request.dependencies = {DependencyRef::ById(c.id), DependencyRef::ByPath("/p/rig")};
    d = MustRegister(d_request);
  }
  Publish a, b, c, d;
};

TEST_F(DependencyTest, DependencyIdsKeepTheGivenOrder) {
  PB_ASSERT_OK_AND_ASSIGN(Publish comp, publishes_->Get(d.id));
  EXPECT_EQ(comp.dependency_ids, (std::vector<int64_t>{c.id, a.id}));
}

TEST_F(DependencyTest, UpstreamIsTransitiveWithShortestDepth) {
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> all, publishes_->Upstream(d.id, 0));
  EXPECT_EQ(Names(all), (Hops{{"rig", 1}, {"light", 1}, {"anim", 2}}));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> direct, publishes_->Upstream(d.id, 1));
  EXPECT_EQ(Names(direct), (Hops{{"rig", 1}, {"light", 1}}));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> none, publishes_->Upstream(a.id, 0));
  EXPECT_TRUE(none.empty());
}

TEST_F(DependencyTest, DownstreamIsTransitiveWithDepth) {
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> all, publishes_->Downstream(a.id));
  EXPECT_EQ(Names(all), (Hops{{"anim", 1}, {"comp", 1}, {"light", 2}}));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> two, publishes_->Downstream(b.id, 2));
  EXPECT_EQ(Names(two), (Hops{{"light", 1}, {"comp", 2}}));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> one, publishes_->Downstream(b.id, 1));
  EXPECT_EQ(Names(one), (Hops{{"light", 1}}));
}

TEST_F(DependencyTest, StaleIfRepublishedListsOnlyLatestDownstreamVersions) {
  // anim v2 supersedes anim v1 (and depends on nothing): v1 is no longer what
  // consumers use, so republishing rig no longer makes it stale.
  MustRegister(Request("/p/anim.v2", "anim"));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> stale, publishes_->StaleIfRepublished(a.id));
  EXPECT_EQ(Names(stale), (Hops{{"comp", 1}, {"light", 2}}));
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> downstream, publishes_->Downstream(a.id));
  EXPECT_EQ(downstream.size(), 3u);  // anim v1 is still downstream.

  // A newer comp (not depending on the chain) makes the old comp not latest.
  MustRegister(Request("/p/comp.v2", "comp"));
  PB_ASSERT_OK_AND_ASSIGN(stale, publishes_->StaleIfRepublished(a.id));
  EXPECT_EQ(Names(stale), (Hops{{"light", 2}}));
}

TEST_F(DependencyTest, WalksOfUnknownPublishesAreNotFound) {
  EXPECT_EQ(publishes_->Upstream(d.id + 100).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(publishes_->Downstream(d.id + 100).status().message(), "publish " + std::to_string(d.id + 100) +
                                                                       " not found");
  EXPECT_EQ(publishes_->StaleIfRepublished(0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(publishes_->Upstream(d.id, -1).status().message(),
            "depth: expected 0 (all) or a positive number of hops");
}

TEST_F(DependencyTest, DeepChainsWalkToTheEnd) {
  Publish previous = d;
  for (int i = 0; i < 200; ++i) {
    RegisterRequest next = Request("/p/chain" + std::to_string(i), "chain" + std::to_string(i));
    next.dependencies = {DependencyRef::ById(previous.id)};
    previous = MustRegister(next);
  }
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> up, publishes_->Upstream(previous.id));
  ASSERT_EQ(up.size(), 203u);
  EXPECT_EQ(up.back().publish.name, "anim");
  EXPECT_EQ(up.back().depth, 202);
  PB_ASSERT_OK_AND_ASSIGN(std::vector<RelatedPublish> down, publishes_->Downstream(a.id, 0));
  EXPECT_EQ(down.size(), 203u);
}

}  // namespace
}  // namespace pipebridge::core::publishes::testing
