#include <atomic>
#include <thread>

#include "bridge/core/entities/demo_project.h"
#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

using ConcurrencyTest = StoreTest;

TEST_F(ConcurrencyTest, ManyThreadsCreateFindAndUpdate) {
  json project = Create("Project", {{"name", "P"}});
  constexpr int kThreads = 6;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::atomic<int> changes{0};
  store_->SetChangeListener([&](sqlite::Transaction&, const ChangeRecord&) {
    ++changes;
    return absl::OkStatus();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string code = "t" + std::to_string(t) + "_" + std::to_string(i);
        auto created = store_->Create({"Shot", {{"code", code}, {"project", Link("Project", project["id"])},
                                                {"sg_cut_in", i}}, {}});
        if (!created.ok()) {
          ++failures;
          continue;
        }
        auto updated = store_->Update({"Shot", (*created)["id"], {{"sg_cut_in", i + 1000}}, {}, {}});
        if (!updated.ok()) ++failures;
        FindRequest find;
        find.entity_type = "Shot";
        find.filters = {{"project", "is", Link("Project", project["id"])}, {"code", "starts_with", "t" + std::to_string(t) + "_"}};
        find.fields = {"sg_cut_in", "project"};
        auto found = store_->Find(find);
        if (!found.ok() || found->size() != static_cast<size_t>(i + 1)) ++failures;
        SummarizeRequest summary;
        summary.entity_type = "Shot";
        summary.summary_fields = {{"id", "record_count"}};
        if (!store_->Summarize(summary).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(changes.load(), kThreads * kPerThread * 2);
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "greater_than", 999}}).size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(ConcurrencyTest, ConcurrentSeedsCreateOneProject) {
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto seeded = SeedDemoProject(*store_);
      if (seeded.ok() && seeded->created) ++created;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(FindIds("Project", json::array()).size(), 1u);
}

}  // namespace
}  // namespace pipebridge::core::entities::testing
