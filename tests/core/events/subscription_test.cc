// Subscribe: replay then live with no gap and no duplicate, bounded queues,
// wakeups and Close().
#include <chrono>
#include <condition_variable>
#include <thread>

#include "tests/core/events/test_log.h"

namespace pipebridge::core::events {
namespace {

using nlohmann::json;
using testing::Drain;
using testing::EventLogTest;
using testing::Range;

class SubscriptionTest : public EventLogTest {
 protected:
  void RunSeamRound();
  std::unique_ptr<Subscription> SubscribeOk(SubscribeOptions options,
                                            std::function<void()> wakeup = [] {}) {
    auto subscription = log_->Subscribe(std::move(options), std::move(wakeup));
    EXPECT_TRUE(subscription.ok()) << subscription.status();
    return subscription.ok() ? std::move(*subscription) : nullptr;
  }
};

TEST_F(SubscriptionTest, LiveOnlyStartsNowWithoutHistory) {
  PublishOk("a.b");
  PublishOk("a.b");
  auto sub = SubscribeOk({});
  EXPECT_EQ(sub->last_delivered_id(), 2);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_TRUE(ids.empty());
  PublishOk("a.b");
  PublishOk("a.b");
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, Range(3, 4));
  EXPECT_EQ(sub->last_delivered_id(), 4);
}

TEST_F(SubscriptionTest, ReplaysFromAfterIdThenGoesLive) {
  for (int i = 0; i < 25; ++i) PublishOk("a.b", json{{"i", i}});
  SubscribeOptions options;
  options.after_id = 10;
  options.replay_page_size = 4;
  auto sub = SubscribeOk(options);
  EXPECT_EQ(sub->last_delivered_id(), 10);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, Range(11, 25));
  PublishOk("a.b");
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, Range(11, 26));
  EXPECT_EQ(log_->live_subscriber_count(), 1u);
}

TEST_F(SubscriptionTest, FromBeginningReplaysEverything) {
  for (int i = 0; i < 5; ++i) PublishOk("a.b");
  SubscribeOptions options;
  options.from_beginning = true;
  options.after_id = 3;  // Ignored.
  auto sub = SubscribeOk(options);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, Range(1, 5));
}

TEST_F(SubscriptionTest, TopicsAndFiltersApplyToReplayAndLive) {
  auto publish_pair = [&](int i) {
    PublishOk("publish.created", json{{"entity", {{"type", i % 2 ? "Asset" : "Shot"}}}});
    PublishOk("entity.Asset.updated", json{{"entity", {{"type", "Asset"}}}});
  };
  for (int i = 0; i < 4; ++i) publish_pair(i);  // ids 1..8
  SubscribeOptions options;
  options.from_beginning = true;
  options.topics = {"publish.*"};
  options.filters = json::parse(R"([["payload.entity.type", "is", "Asset"]])");
  options.replay_page_size = 3;
  auto sub = SubscribeOk(options);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 7}));
  for (int i = 4; i < 8; ++i) publish_pair(i);  // ids 9..16
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 7, 11, 15}));
}

TEST_F(SubscriptionTest, BadOptionsAreInvalidArgumentNamingTheField) {
  SubscribeOptions options;
  options.topics = {"a.b", "x..y"};
  auto sub = log_->Subscribe(options, [] {});
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sub.status().message().substr(0, 10), "topics[1]:");
  options = {};
  options.filters = json::parse(R"([["topic", "is", "a"], ["topic", "iss", "b"]])");
  sub = log_->Subscribe(options, [] {});
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.status().message().substr(0, 31), "filters[1][1]: unknown relation");
  options = {};
  options.queue_capacity = 0;
  EXPECT_EQ(log_->Subscribe(options, [] {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = {};
  options.after_id = -5;
  EXPECT_EQ(log_->Subscribe(options, [] {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SubscriptionTest, AfterIdBeyondTheNewestEventIsOutOfRange) {
  PublishOk("a.b");
  SubscribeOptions options;
  options.after_id = 99;
  auto sub = SubscribeOk(options);
  auto next = sub->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(next.status().message().find("beyond the newest event, 1"), std::string::npos)
      << next.status();
}

TEST_F(SubscriptionTest, LongReplayIsPagedAndNeverOverflowsTheLiveQueue) {
  // 3,000 events behind with a queue of 5: replay reads pages from the
  // database as the consumer drains; only live events use the queue.
  ASSERT_TRUE(db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
                   for (int i = 0; i < 3000; ++i) {
                     auto id = log_->Append(txn, Draft("bulk.load", json{{"i", i}}));
                     if (!id.ok()) return id.status();
                   }
                   return absl::OkStatus();
                 }).ok());
  SubscribeOptions options;
  options.from_beginning = true;
  options.queue_capacity = 5;
  options.replay_page_size = 100;
  auto sub = SubscribeOk(options);
  std::vector<int64_t> ids;
  absl::Status status = Drain(*sub, ids);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ids, Range(1, 3000));
  for (int i = 0; i < 5; ++i) PublishOk("a.b");
  status = Drain(*sub, ids);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ids.size(), 3005u);
}

TEST_F(SubscriptionTest, NarrowFilterOverLongHistoryFindsTheRareEventWithoutWaking) {
  ASSERT_TRUE(db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
                   for (int i = 0; i < 5000; ++i) {
                     auto id = log_->Append(txn, Draft(i == 4999 ? "rare.event" : "common.x"));
                     if (!id.ok()) return id.status();
                   }
                   return absl::OkStatus();
                 }).ok());
  std::atomic<int> wakeups{0};
  SubscribeOptions options;
  options.from_beginning = true;
  options.topics = {"rare.event"};
  options.replay_page_size = 50;  // 100 pages to scan.
  auto sub = SubscribeOk(options, [&] { ++wakeups; });
  auto next = sub->Next();
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->id, 5000);
  // The wakeup is never called from inside Next() (a consumer may hold the
  // lock its wakeup takes).
  EXPECT_EQ(wakeups.load(), 0);
}

// A consumer thread that waits for wakeups and drains, as a stream would.
class Consumer {
 public:
  Consumer(EventLog& log, SubscribeOptions options) {
    auto sub = log.Subscribe(std::move(options), [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      woken_ = true;
      cv_.notify_one();
    });
    EXPECT_TRUE(sub.ok()) << sub.status();
    sub_ = std::move(*sub);
    start_ = sub_->last_delivered_id();
    thread_ = std::thread([this] { Run(); });
  }
  ~Consumer() {
    Stop();
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }
  // Waits until the consumer saw `id` (or failed, or 20 s passed).
  bool WaitFor(int64_t id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!status_.ok()) return false;
        if (!ids_.empty() && ids_.back() >= id) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }
  std::vector<int64_t> ids() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ids_;
  }
  absl::Status status() {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }
  int64_t start() const { return start_; }

 private:
  void Run() {
    while (true) {
      auto next = sub_->Next();
      std::unique_lock<std::mutex> lock(mutex_);
      if (!next.ok()) {
        status_ = next.status();
        return;
      }
      if (next->has_value()) {
        ids_.push_back((*next)->id);
        continue;
      }
      cv_.wait(lock, [this] { return woken_ || stop_; });
      if (stop_) return;
      woken_ = false;
    }
  }

  std::unique_ptr<Subscription> sub_;
  int64_t start_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stop_ = false;
  std::vector<int64_t> ids_;
  absl::Status status_;
  std::thread thread_;
};

TEST_F(SubscriptionTest, ReplayLiveSeamUnderConcurrentWritersHasNoGapNoDuplicate) {
  // The seam is a narrow window: several rounds make a wrong seam very likely to show.
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(::testing::Message() << "round " << round);
    RunSeamRound();
    if (HasFatalFailure()) return;
  }
}

void SubscriptionTest::RunSeamRound() {
  constexpr int kWriters = 3;
  const int64_t first = static_cast<int64_t>(ListIds().size()) + 1;
  for (int i = 0; i < 40; ++i) PublishOk("seed.x");
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> last_published{first + 39};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; !stop.load() && i < 1500; ++i) {  // Bounded for slow (sanitizer) builds.
        const char* topic = w % 2 ? "odd.w" : "even.w";
        if (i % 10 == 0) {
          // Some transactions append several events at once.
          ASSERT_TRUE(db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
                           for (int k = 0; k < 3; ++k) {
                             auto id = log_->Append(txn, Draft(topic, json{{"w", w}}));
                             if (!id.ok()) return id.status();
                           }
                           return absl::OkStatus();
                         }).ok());
        } else {
          int64_t id = PublishOk(topic, json{{"w", w}});
          int64_t seen = last_published.load();
          while (id > seen && !last_published.compare_exchange_weak(seen, id)) {
          }
        }
        if (i % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  go.store(true);
  // Subscribers start while the writers run, resuming from various ids.
  std::vector<SubscribeOptions> variants;
  for (int64_t after : {1, 7, 20, 39}) {
    SubscribeOptions options;
    options.after_id = first - 1 + after;
    options.replay_page_size = 7;
    variants.push_back(options);
  }
  SubscribeOptions beginning;
  beginning.from_beginning = true;
  beginning.replay_page_size = 5;
  variants.push_back(beginning);
  variants.push_back(SubscribeOptions{});  // Live only.
  SubscribeOptions filtered;
  filtered.after_id = first + 10;
  filtered.replay_page_size = 3;
  filtered.topics = {"odd.*"};
  variants.push_back(filtered);
  std::vector<SubscribeOptions> used;
  std::vector<std::unique_ptr<Consumer>> consumers;
  for (const SubscribeOptions& options : variants) {
    used.push_back(options);
    consumers.push_back(std::make_unique<Consumer>(*log_, options));
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    // Late resumers: from ids the writers already passed.
    for (int64_t back : {30, 3}) {
      SubscribeOptions late;
      late.after_id = std::max<int64_t>(1, last_published.load() - back);
      late.replay_page_size = 11;
      used.push_back(late);
      consumers.push_back(std::make_unique<Consumer>(*log_, late));
    }
  }
  // Keep writing a little after the last subscriber joined.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  stop.store(true);
  for (std::thread& writer : writers) writer.join();
  const int64_t total = static_cast<int64_t>(ListIds().size());
  ASSERT_EQ(ListIds(), Range(1, total));
  // Expected ids per subscriber, from the stored log.
  const std::vector<Event> stored = ListAll();
  for (size_t i = 0; i < consumers.size(); ++i) {
    Consumer& consumer = *consumers[i];
    std::vector<int64_t> expected;
    for (const Event& event : stored) {
      if (event.id <= consumer.start()) continue;
      if (!used[i].topics.empty() && event.topic != "odd.w") continue;
      expected.push_back(event.id);
    }
    ASSERT_FALSE(expected.empty()) << "consumer " << i << " joined after the writers stopped";
    EXPECT_TRUE(consumer.WaitFor(expected.back())) << "consumer " << i << " "
                                                   << consumer.status();
    consumer.Stop();
    EXPECT_EQ(consumer.ids(), expected) << "consumer " << i << " started after "
                                        << consumer.start();
  }
}

TEST_F(SubscriptionTest, EventCommittedButNotYetDeliveredIsNotDuplicated) {
  // Hold event 1 between its COMMIT and its live delivery: an after-commit
  // callback registered before Append's runs first and blocks.
  std::mutex mutex;
  std::condition_variable cv;
  bool committed = false;
  bool release = false;
  std::thread writer([&] {
    absl::Status status = db_->Write([&](sqlite::Transaction& txn) -> absl::Status {
      txn.AfterCommit([&] {
        std::unique_lock<std::mutex> lock(mutex);
        committed = true;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });
      });
      return log_->Append(txn, Draft("a.b")).status();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return committed; });
  }
  // The replay reads event 1 from the database, then goes live before the
  // fan-out has delivered it.
  SubscribeOptions options;
  options.from_beginning = true;
  auto sub = SubscribeOk(options);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, std::vector<int64_t>{1});
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
    cv.notify_all();
  }
  writer.join();  // Event 1 now reaches the live queue too.
  PublishOk("a.b");
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, Range(1, 2));
}

TEST_F(SubscriptionTest, SlowSubscriberEndsWithResourceExhaustedWhileFastGetsAll) {
  std::atomic<int> slow_wakeups{0};
  SubscribeOptions small;
  small.queue_capacity = 10;
  auto slow = SubscribeOk(small, [&] { ++slow_wakeups; });
  auto fast = SubscribeOk(small);
  std::vector<int64_t> slow_ids;
  std::vector<int64_t> fast_ids;
  for (int i = 0; i < 5; ++i) PublishOk("a.b");
  ASSERT_TRUE(Drain(*slow, slow_ids).ok());
  ASSERT_EQ(slow_ids, Range(1, 5));
  for (int i = 0; i < 50; ++i) {
    PublishOk("a.b");
    ASSERT_TRUE(Drain(*fast, fast_ids).ok());
  }
  EXPECT_EQ(fast_ids, Range(1, 55));
  EXPECT_EQ(log_->live_subscriber_count(), 1u) << "the overflowed queue is released";
  int wakeups_before = slow_wakeups.load();
  EXPECT_GE(wakeups_before, 2) << "the overflow itself wakes the subscriber";
  auto next = slow->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(next.status().message().find("after_id = 5"), std::string::npos) << next.status();
  EXPECT_EQ(slow->last_delivered_id(), 5);
  // Terminal: stays so.
  EXPECT_EQ(slow->Next().status().code(), absl::StatusCode::kResourceExhausted);

  // Resuming from the named id gets the rest, replayed then live.
  SubscribeOptions resume;
  resume.after_id = slow->last_delivered_id();
  auto resumed = SubscribeOk(resume);
  std::vector<int64_t> rest;
  ASSERT_TRUE(Drain(*resumed, rest).ok());
  EXPECT_EQ(rest, Range(6, 55));
  PublishOk("a.b");
  ASSERT_TRUE(Drain(*resumed, rest).ok());
  EXPECT_EQ(rest, Range(6, 56));
}

TEST_F(SubscriptionTest, NextSharedHandsEverySubscriberTheSameLiveEvent) {
  auto first = SubscribeOk({});
  auto second = SubscribeOk({});
  PublishOk("a.b", json{{"big", std::string(1000, 'x')}});
  auto a = first->NextShared();
  auto b = second->NextShared();
  ASSERT_TRUE(a.ok() && *a != nullptr);
  ASSERT_TRUE(b.ok() && *b != nullptr);
  EXPECT_EQ(a->get(), b->get()) << "one copy for every subscriber";
  EXPECT_EQ((*a)->id, 1);
  auto none = first->NextShared();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
}

TEST_F(SubscriptionTest, WakeupFiresWhenTheConsumerFoundNothing) {
  std::atomic<int> wakeups{0};
  auto sub = SubscribeOk({}, [&] { ++wakeups; });
  PublishOk("a.b");
  EXPECT_EQ(wakeups.load(), 1);
  PublishOk("a.b");  // Not drained yet: the consumer will call Next anyway.
  EXPECT_EQ(wakeups.load(), 1);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());  // Ends with nullopt: re-arms.
  PublishOk("a.b");
  EXPECT_EQ(wakeups.load(), 2);
}

TEST_F(SubscriptionTest, CloseStopsWakeupsAndNextIsCancelled) {
  std::atomic<int> wakeups{0};
  auto sub = SubscribeOk({}, [&] { ++wakeups; });
  PublishOk("a.b");
  EXPECT_EQ(wakeups.load(), 1);
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  sub->Close();
  sub->Close();  // Idempotent.
  EXPECT_EQ(log_->live_subscriber_count(), 0u);
  PublishOk("a.b");
  EXPECT_EQ(wakeups.load(), 1);
  auto next = sub->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(SubscriptionTest, NoWakeupAfterCloseReturnsEvenWithConcurrentWriters) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<bool> close_returned{false};
    std::atomic<bool> violated{false};
    auto sub = SubscribeOk({}, [&] {
      if (close_returned.load()) violated = true;
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // Widen the race.
      if (close_returned.load()) violated = true;
    });
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      while (!stop.load()) PublishOk("a.b");
    });
    std::vector<int64_t> ids;
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(Drain(*sub, ids).ok());
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    sub->Close();
    close_returned = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    stop = true;
    writer.join();
    EXPECT_FALSE(violated.load()) << "round " << round;
  }
}

TEST_F(SubscriptionTest, CloseFromInsideTheWakeupDoesNotDeadlock) {
  Subscription* raw = nullptr;
  std::atomic<int> wakeups{0};
  auto sub = SubscribeOk({}, [&] {
    ++wakeups;
    raw->Close();
  });
  raw = sub.get();
  PublishOk("a.b");
  PublishOk("a.b");
  EXPECT_EQ(wakeups.load(), 1);
  EXPECT_EQ(sub->Next().status().code(), absl::StatusCode::kCancelled);
}

TEST_F(SubscriptionTest, EventsAppendedThroughAnotherConnectionAreFilledInLive) {
  auto sub = SubscribeOk({});
  PublishOk("a.b");  // 1
  {
    // A second Database object on the same file: its commits bypass this
    // log's after-commit hook.
    sqlite::OpenOptions options;
    options.durability = sqlite::Durability::kNormal;
    auto other_db = sqlite::Database::Open(path_, options);
    ASSERT_TRUE(other_db.ok());
    auto other_log = EventLog::Open(**other_db);
    ASSERT_TRUE(other_log.ok());
    ASSERT_TRUE((*other_log)->Publish(Draft("other.x")).ok());  // 2
    ASSERT_TRUE((*other_log)->Publish(Draft("other.x")).ok());  // 3
  }
  PublishOk("a.b");  // 4
  std::vector<int64_t> ids;
  ASSERT_TRUE(Drain(*sub, ids).ok());
  EXPECT_EQ(ids, Range(1, 4));
}

}  // namespace
}  // namespace pipebridge::core::events
