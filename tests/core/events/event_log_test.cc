// Append, Publish, List: storage, gapless ids, validation, persistence.
#include <atomic>
#include <thread>

#include "tests/core/events/test_log.h"

namespace pipebridge::core::events {
namespace {

using nlohmann::json;
using testing::Drain;
using testing::EventLogTest;
using testing::Range;

TEST_F(EventLogTest, PublishStoresEveryFieldAndListReturnsIt) {
  EventDraft draft = Draft("review.requested", json{{"shot", {{"type", "Shot"}, {"id", 3}}}});
  draft.project = ProjectRef{"Project", 7, "Bunny"};
  Advance(absl::Microseconds(123));
  auto published = log_->Publish(draft);
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->id, 1);
  EXPECT_EQ(published->time, Now());
  auto listed = log_->List({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->events.size(), 1u);
  const Event& event = listed->events[0];
  EXPECT_EQ(event.id, 1);
  EXPECT_EQ(event.topic, "review.requested");
  EXPECT_EQ(absl::ToUnixMicros(event.time), absl::ToUnixMicros(Now()));
  EXPECT_EQ(event.user, "alice");
  EXPECT_EQ(event.project, (ProjectRef{"Project", 7, "Bunny"}));
  EXPECT_EQ(event.source_host, "maya-1");
  EXPECT_EQ(event.payload, draft.payload);
  EXPECT_FALSE(listed->has_more);
}

TEST_F(EventLogTest, TimesKeepMicrosecondsAndNullPayloadIsAnObject) {
  Advance(absl::Nanoseconds(1'234'567));  // 1234.567 µs: stored as 1234 µs.
  EventDraft draft = Draft("a.b");
  draft.payload = nullptr;
  auto published = log_->Publish(draft);
  ASSERT_TRUE(published.ok());
  EXPECT_TRUE(published->payload.is_object());
  auto listed = log_->List({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(absl::ToUnixMicros(listed->events[0].time),
            absl::ToUnixMicros(absl::FromUnixSeconds(1'700'000'000)) + 1234);
  EXPECT_TRUE(listed->events[0].payload.is_object());
}

TEST_F(EventLogTest, AppendJoinsTheCallersTransaction) {
  ASSERT_TRUE(db_->Write([](sqlite::Transaction& txn) {
                   return txn.connection().Execute("CREATE TABLE shots(id INTEGER PRIMARY KEY)");
                 }).ok());
  // Committed together.
  absl::Status status = db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    absl::Status insert = txn.connection().Execute("INSERT INTO shots(id) VALUES (1)");
    if (!insert.ok()) return insert;
    auto id = log_->Append(txn, Draft("entity.Shot.created"));
    if (!id.ok()) return id.status();
    EXPECT_EQ(*id, 1);
    auto second = log_->Append(txn, Draft("entity.Shot.updated"));
    if (!second.ok()) return second.status();
    EXPECT_EQ(*second, 2);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  // Rolled back together: neither the row nor the event remain.
  status = db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    absl::Status insert = txn.connection().Execute("INSERT INTO shots(id) VALUES (2)");
    if (!insert.ok()) return insert;
    auto id = log_->Append(txn, Draft("entity.Shot.created"));
    if (!id.ok()) return id.status();
    EXPECT_EQ(*id, 3);
    return absl::AbortedError("the entity write failed later");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ListIds(), Range(1, 2));
  int64_t shots = 0;
  ASSERT_TRUE(db_->Read([&](sqlite::Connection& c) -> absl::Status {
                   auto stmt = c.Prepare("SELECT COUNT(*) FROM shots");
                   if (!stmt.ok()) return stmt.status();
                   auto row = stmt->Step();
                   if (!row.ok()) return row.status();
                   shots = stmt->Int(0);
                   return absl::OkStatus();
                 }).ok());
  EXPECT_EQ(shots, 1);
}

TEST_F(EventLogTest, RollbacksLeaveNoGapInIds) {
  std::vector<int64_t> committed;
  for (int i = 0; i < 30; ++i) {
    int64_t assigned = 0;
    absl::Status status = db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
      auto id = log_->Append(txn, Draft("a.b", json{{"i", i}}));
      if (!id.ok()) return id.status();
      assigned = *id;
      if (i % 3 == 1) return absl::AbortedError("roll back");
      return absl::OkStatus();
    });
    if (status.ok()) committed.push_back(assigned);
  }
  // 20 commits among 30 attempts: ids 1..20, no holes where rollbacks were.
  EXPECT_EQ(committed, Range(1, 20));
  EXPECT_EQ(ListIds(), Range(1, 20));
}

TEST_F(EventLogTest, ConcurrentPublishersGetGaplessUniqueIds) {
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) PublishOk("load.test");
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ListIds(), Range(1, kThreads * kEach));
}

// Publish group-commits concurrent callers: each still gets its own event back, and a bad
// draft fails alone without costing the others their write.
TEST_F(EventLogTest, GroupCommittedPublishesKeepTheirOwnOutcome) {
  constexpr int kThreads = 16;
  constexpr int kEach = 40;
  std::atomic<int> good{0};
  std::atomic<int> mismatches{0};
  std::atomic<int> wrong_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int n = t * kEach + i;
        const bool bad = n % 7 == 0;
        auto event = log_->Publish(Draft(bad ? "a..b" : "load.test", json{{"n", n}}));
        if (bad) {
          if (event.ok() || event.status().code() != absl::StatusCode::kInvalidArgument) {
            ++wrong_errors;
          }
          continue;
        }
        if (!event.ok() || event->payload.value("n", -1) != n) ++mismatches;
        ++good;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(wrong_errors.load(), 0);
  EXPECT_EQ(ListIds(), Range(1, good.load()));
}

TEST_F(EventLogTest, SubscribersAreNotifiedOnlyAfterCommitAndNeverOfRollbacks) {
  std::atomic<int> wakeups{0};
  auto subscription = log_->Subscribe({}, [&] { ++wakeups; });
  ASSERT_TRUE(subscription.ok()) << subscription.status();
  Subscription& sub = **subscription;
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(sub, ids).ok());
  ASSERT_TRUE(ids.empty());

  // Inside the transaction, after Append: nothing visible yet.
  absl::Status status = db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    auto id = log_->Append(txn, Draft("a.b"));
    if (!id.ok()) return id.status();
    EXPECT_EQ(wakeups.load(), 0);
    auto next = sub.Next();
    EXPECT_TRUE(next.ok() && !next->has_value()) << "seen before commit";
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(wakeups.load(), 1);
  ASSERT_TRUE(Drain(sub, ids).ok());
  EXPECT_EQ(ids, std::vector<int64_t>{1});

  // Rolled back: no wakeup, nothing delivered; the next commit reuses id 2.
  status = db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    auto id = log_->Append(txn, Draft("a.b"));
    if (!id.ok()) return id.status();
    return absl::AbortedError("no");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(wakeups.load(), 1);
  ASSERT_TRUE(Drain(sub, ids).ok());
  EXPECT_EQ(ids, std::vector<int64_t>{1});
  EXPECT_EQ(PublishOk("a.b"), 2);
  ASSERT_TRUE(Drain(sub, ids).ok());
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2}));
}

TEST_F(EventLogTest, InvalidDraftsNameTheFieldAndWriteNothing) {
  struct Case {
    EventDraft draft;
    const char* prefix;
  };
  EventDraft reserved = Draft("entity.Shot.updated");
  reserved.custom = true;
  EventDraft bad_topic = Draft("a..b");
  EventDraft array_payload = Draft("a.b", json::array({1, 2}));
  EventDraft long_user = Draft("a.b");
  long_user.user = std::string(300, 'u');
  EventDraft long_host = Draft("a.b");
  long_host.source_host = std::string(300, 'h');
  EventDraft no_type = Draft("a.b");
  no_type.project.id = 3;
  EventDraft no_id = Draft("a.b");
  no_id.project.type = "Project";
  EventDraft bad_utf8 = Draft("a.b", json{{"k", "\xff\xfe"}});
  EventDraft huge = Draft("a.b", json{{"k", std::string(2 << 20, 'x')}});
  for (const Case& c : std::vector<Case>{{reserved, "topic: "},
                                         {bad_topic, "topic: "},
                                         {array_payload, "payload: "},
                                         {long_user, "user: "},
                                         {long_host, "source_host: "},
                                         {no_type, "project.type: "},
                                         {no_id, "project.id: "},
                                         {bad_utf8, "payload: "},
                                         {huge, "payload: "}}) {
    auto published = log_->Publish(c.draft);
    ASSERT_FALSE(published.ok()) << c.prefix;
    EXPECT_EQ(published.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(published.status().message().substr(0, std::string(c.prefix).size()), c.prefix)
        << published.status();
  }
  EXPECT_TRUE(ListIds().empty());
  // A core (non-custom) event may use the reserved roots.
  EXPECT_EQ(PublishOk("entity.Shot.updated"), 1);
}

TEST_F(EventLogTest, ListFiltersByRangeTopicsAndFilters) {
  for (int i = 1; i <= 10; ++i) {
    PublishOk(i % 2 ? "publish.created" : "entity.Asset.updated",
              json{{"n", i}, {"entity", {{"type", i % 3 ? "Asset" : "Shot"}, {"id", i}}}});
  }
  ListOptions range;
  range.after_id = 3;
  range.up_to_id = 7;
  EXPECT_EQ(ListIds(range), Range(4, 7));

  ListOptions topics;
  topics.topics = {"publish.*"};
  EXPECT_EQ(ListIds(topics), (std::vector<int64_t>{1, 3, 5, 7, 9}));

  ListOptions filtered;
  filtered.filters = json::parse(R"([["payload.entity.type", "is", "Shot"]])");
  EXPECT_EQ(ListIds(filtered), (std::vector<int64_t>{3, 6, 9}));

  ListOptions both;
  both.topics = {"entity.*.updated"};
  both.filters = json::parse(R"([["payload.n", "greater_than", 4]])");
  EXPECT_EQ(ListIds(both), (std::vector<int64_t>{6, 8, 10}));
}

TEST_F(EventLogTest, ListLimitAndHasMore) {
  for (int i = 1; i <= 1200; ++i) PublishOk(i % 2 ? "odd.one" : "even.one");
  ListOptions options;
  options.limit = 5;
  auto page = log_->List(options);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 5u);
  EXPECT_TRUE(page->has_more);
  // Paging with after_id, across the log's internal read pages.
  options.topics = {"even.one"};
  options.limit = 600;
  page = log_->List(options);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 600u);
  EXPECT_EQ(page->events.back().id, 1200);
  EXPECT_FALSE(page->has_more);  // Exactly 600 even ids: nothing more matches.
  options.limit = 599;
  page = log_->List(options);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->has_more);
  options.after_id = page->events.back().id;
  page = log_->List(options);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].id, 1200);
  EXPECT_FALSE(page->has_more);
  // The default limit is 500, the cap 5000.
  page = log_->List({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 500u);
  EXPECT_TRUE(page->has_more);
}

TEST_F(EventLogTest, ListRejectsBadArgumentsNamingThem) {
  ListOptions options;
  options.after_id = -1;
  EXPECT_EQ(log_->List(options).status().message().substr(0, 9), "after_id:");
  options = {};
  options.limit = -3;
  EXPECT_EQ(log_->List(options).status().message().substr(0, 6), "limit:");
  options = {};
  options.topics = {"ok", "b..d"};
  EXPECT_EQ(log_->List(options).status().message().substr(0, 10), "topics[1]:");
  options = {};
  options.filters = json::parse(R"([["topic", "iss", "x"]])");
  EXPECT_EQ(log_->List(options).status().message().substr(0, 14), "filters[0][1]:");
}

TEST_F(EventLogTest, EventsAndIdsPersistAcrossReopen) {
  PublishOk("a.b", json{{"k", "v"}});
  PublishOk("a.c");
  Reopen();
  EXPECT_EQ(ListIds(), Range(1, 2));
  auto listed = log_->List({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->events[0].payload, (json{{"k", "v"}}));
  EXPECT_EQ(PublishOk("a.d"), 3);
  // A resumed subscriber after reopen replays then goes live.
  SubscribeOptions options;
  options.after_id = 1;
  auto subscription = log_->Subscribe(options, [] {});
  ASSERT_TRUE(subscription.ok());
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(**subscription, ids).ok());
  EXPECT_EQ(ids, Range(2, 3));
  PublishOk("a.e");
  ASSERT_TRUE(Drain(**subscription, ids).ok());
  EXPECT_EQ(ids, Range(2, 4));
}

}  // namespace
}  // namespace pipebridge::core::events
