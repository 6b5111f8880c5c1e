// Retention: pruning by count and age, OUT_OF_RANGE for pruned resumes.
#include <chrono>
#include <thread>

#include "tests/core/events/test_log.h"

namespace pipebridge::core::events {
namespace {

using nlohmann::json;
using testing::Drain;
using testing::EventLogTest;
using testing::Range;

class RetentionTest : public EventLogTest {
 protected:
  void OpenWith(absl::Duration max_age, int64_t max_count, int64_t batch = 10000) {
    EventLogOptions options;
    options.retention.max_age = max_age;
    options.retention.max_count = max_count;
    options.retention.prune_interval = absl::ZeroDuration();  // Prune() only.
    options.retention.prune_batch = batch;
    Reopen(std::move(options));
  }
  int64_t PruneOk() {
    auto pruned = log_->Prune();
    EXPECT_TRUE(pruned.ok()) << pruned.status();
    return pruned.ok() ? *pruned : -1;
  }
};

TEST_F(RetentionTest, WithoutLimitsNothingIsPruned) {
  for (int i = 0; i < 5; ++i) PublishOk("a.b");
  Advance(absl::Hours(24 * 365));
  EXPECT_EQ(PruneOk(), 0);
  EXPECT_EQ(ListIds(), Range(1, 5));
}

TEST_F(RetentionTest, MaxCountKeepsTheNewestEvents) {
  OpenWith(absl::InfiniteDuration(), 4, /*batch=*/3);  // Several delete batches.
  for (int i = 0; i < 10; ++i) PublishOk("a.b");
  EXPECT_EQ(PruneOk(), 6);
  EXPECT_EQ(ListIds(), Range(7, 10));
  EXPECT_EQ(PruneOk(), 0);  // Within the limit now.
  EXPECT_EQ(ListIds(), Range(7, 10));
}

TEST_F(RetentionTest, MaxAgeDeletesOnlyOlderEvents) {
  OpenWith(absl::Minutes(10), 0);
  for (int i = 0; i < 4; ++i) {  // ids 1..4 at t0, t0+4m, t0+8m, t0+12m.
    PublishOk("a.b");
    Advance(absl::Minutes(4));
  }
  // Now t0+16m: the cutoff is t0+6m. 1 and 2 are older; 3 and 4 are not.
  EXPECT_EQ(PruneOk(), 2);
  EXPECT_EQ(ListIds(), Range(3, 4));
  // Exactly at the cutoff is kept.
  Advance(absl::Minutes(2));  // t0+18m, cutoff t0+8m = event 3's time.
  EXPECT_EQ(PruneOk(), 0);
  EXPECT_EQ(ListIds(), Range(3, 4));
}

TEST_F(RetentionTest, AnEventBreakingEitherLimitGoes) {
  OpenWith(absl::Minutes(10), 3);
  PublishOk("a.b");  // 1: old.
  Advance(absl::Minutes(20));
  for (int i = 0; i < 5; ++i) PublishOk("a.b");  // 2..6: recent.
  EXPECT_EQ(PruneOk(), 3);  // 1 by age (and count), 2 and 3 by count.
  EXPECT_EQ(ListIds(), Range(4, 6));
}

TEST_F(RetentionTest, IdsAreNeverReusedAfterPruningEverything) {
  OpenWith(absl::Minutes(1), 0);
  for (int i = 0; i < 3; ++i) PublishOk("a.b");
  Advance(absl::Minutes(5));
  EXPECT_EQ(PruneOk(), 3);
  EXPECT_TRUE(ListIds().empty());
  EXPECT_EQ(PublishOk("a.b"), 4);
  // Also after reopening.
  Advance(absl::Minutes(5));
  EXPECT_EQ(PruneOk(), 1);
  OpenWith(absl::Minutes(1), 0);
  EXPECT_EQ(PublishOk("a.b"), 5);
}

TEST_F(RetentionTest, ResumingFromAPrunedIdIsOutOfRangeNamingTheOldest) {
  OpenWith(absl::InfiniteDuration(), 4);
  for (int i = 0; i < 10; ++i) PublishOk("a.b");
  ASSERT_EQ(PruneOk(), 6);
  SubscribeOptions options;
  options.after_id = 3;
  auto pruned = log_->Subscribe(options, [] {});
  ASSERT_TRUE(pruned.ok());
  auto next = (*pruned)->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(next.status().message().find("oldest retained id is 7"), std::string::npos)
      << next.status();
  EXPECT_EQ((*pruned)->Next().status().code(), absl::StatusCode::kOutOfRange);

  // From exactly the last pruned id nothing was missed.
  options.after_id = 6;
  auto resumed = log_->Subscribe(options, [] {});
  ASSERT_TRUE(resumed.ok());
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(**resumed, ids).ok());
  EXPECT_EQ(ids, Range(7, 10));

  // from_beginning starts at the oldest retained event.
  SubscribeOptions beginning;
  beginning.from_beginning = true;
  auto all = log_->Subscribe(beginning, [] {});
  ASSERT_TRUE(all.ok());
  ids.clear();
  ASSERT_TRUE(Drain(**all, ids).ok());
  EXPECT_EQ(ids, Range(7, 10));
}

TEST_F(RetentionTest, PruningDuringReplayEndsTheReplayWithOutOfRange) {
  OpenWith(absl::InfiniteDuration(), 2);
  for (int i = 0; i < 10; ++i) PublishOk("a.b");
  SubscribeOptions options;
  options.from_beginning = true;
  options.replay_page_size = 3;
  auto sub = log_->Subscribe(options, [] {});
  ASSERT_TRUE(sub.ok());
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto next = (*sub)->Next();
    ASSERT_TRUE(next.ok() && next->has_value());
    ids.push_back((*next)->id);
  }
  EXPECT_EQ(ids, Range(1, 3));
  ASSERT_EQ(PruneOk(), 8);  // 4..8 were never delivered.
  auto next = (*sub)->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(next.status().message().find("events after 3"), std::string::npos)
      << next.status();
}

TEST_F(RetentionTest, LiveSubscribersAreNotAffectedByPruning) {
  OpenWith(absl::InfiniteDuration(), 1);
  auto sub = log_->Subscribe({}, [] {});
  ASSERT_TRUE(sub.ok());
  for (int i = 0; i < 5; ++i) PublishOk("a.b");
  ASSERT_EQ(PruneOk(), 4);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(**sub, ids).ok());
  EXPECT_EQ(ids, Range(1, 5));
}

TEST_F(RetentionTest, BackgroundPruningRunsPeriodically) {
  EventLogOptions options;
  options.retention.max_count = 3;
  options.retention.prune_interval = absl::Milliseconds(5);
  Reopen(std::move(options));
  for (int i = 0; i < 10; ++i) PublishOk("a.b");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ListIds().size() > 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(ListIds(), Range(8, 10));
}

TEST_F(RetentionTest, BadRetentionOptionsAreRefused) {
  log_.reset();
  EventLogOptions options;
  options.retention.max_count = -1;
  EXPECT_EQ(EventLog::Open(*db_, options).status().code(), absl::StatusCode::kInvalidArgument);
  options = {};
  options.retention.max_age = absl::ZeroDuration();
  EXPECT_EQ(EventLog::Open(*db_, options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pipebridge::core::events
