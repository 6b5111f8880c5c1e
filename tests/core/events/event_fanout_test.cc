// The fan-out on its own: registration boundary, order, gap filling and the
// failure path when a gap cannot be filled.
#include "bridge/core/events/event_fanout.h"

#include <atomic>
#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace pipebridge::core::events::internal {
namespace {

std::shared_ptr<const Event> MakeEvent(int64_t id) {
  auto event = std::make_shared<Event>();
  event->id = id;
  event->topic = "a.b";
  return event;
}

std::vector<int64_t> PopAll(SubscriberQueue& queue, SubscriberQueue::PopState* last = nullptr) {
  std::vector<int64_t> ids;
  while (true) {
    std::shared_ptr<const Event> event;
    absl::Status failure;
    SubscriberQueue::PopState state = queue.Pop(0, event, failure);
    if (state != SubscriberQueue::PopState::kEvent) {
      if (last) *last = state;
      return ids;
    }
    ids.push_back(event->id);
  }
}

TEST(EventFanoutTest, RegisterReturnsTheBoundaryAndLaterEventsAreQueued) {
  EventFanout fanout(10, nullptr);
  fanout.Deliver(MakeEvent(11));
  auto queue = std::make_shared<SubscriberQueue>(EventSelector(), 100, [] {});
  EXPECT_EQ(fanout.Register(queue), 11);
  fanout.Deliver(MakeEvent(12));
  fanout.Deliver(MakeEvent(12));  // A repeat is ignored.
  fanout.Deliver(MakeEvent(13));
  EXPECT_EQ(PopAll(*queue), (std::vector<int64_t>{12, 13}));
  EXPECT_EQ(fanout.delivered_through(), 13);
}

TEST(EventFanoutTest, GapsAreFilledFromTheReaderInOrder) {
  std::vector<std::pair<int64_t, int64_t>> asked;
  EventFanout fanout(0, [&](int64_t after, int64_t up_to) -> absl::StatusOr<std::vector<Event>> {
    asked.emplace_back(after, up_to);
    std::vector<Event> events;
    for (int64_t id = after + 1; id <= up_to; ++id) events.push_back(*MakeEvent(id));
    return events;
  });
  auto queue = std::make_shared<SubscriberQueue>(EventSelector(), 100, [] {});
  fanout.Register(queue);
  fanout.Deliver(MakeEvent(1));
  fanout.Deliver(MakeEvent(4));
  EXPECT_EQ(asked, (std::vector<std::pair<int64_t, int64_t>>{{1, 3}}));
  EXPECT_EQ(PopAll(*queue), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(EventFanoutTest, AnUnfillableGapEndsLiveSubscribersWithUnavailable) {
  EventFanout fanout(0, [](int64_t, int64_t) -> absl::StatusOr<std::vector<Event>> {
    return absl::UnavailableError("database is locked");
  });
  std::shared_ptr<SubscriberQueue> queue;
  std::atomic<int> wakeups{0};
  // The wakeup closes its queue, as a stream may: it must not deadlock.
  queue = std::make_shared<SubscriberQueue>(EventSelector(), 100, [&] {
    ++wakeups;
    queue->Close();
  });
  fanout.Register(queue);
  auto other = std::make_shared<SubscriberQueue>(EventSelector(), 100, [] {});
  fanout.Register(other);
  fanout.Deliver(MakeEvent(1));
  EXPECT_EQ(PopAll(*other), std::vector<int64_t>{1});
  fanout.Deliver(MakeEvent(5));
  EXPECT_GE(wakeups.load(), 1);
  std::shared_ptr<const Event> event;
  absl::Status failure;
  EXPECT_EQ(other->Pop(0, event, failure), SubscriberQueue::PopState::kFailed);
  EXPECT_EQ(failure.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(failure.message().find("events 2 to 4"), std::string::npos) << failure;
  EXPECT_EQ(fanout.subscriber_count(), 0u);
  // Delivery continues for new subscribers.
  auto fresh = std::make_shared<SubscriberQueue>(EventSelector(), 100, [] {});
  EXPECT_EQ(fanout.Register(fresh), 5);
  fanout.Deliver(MakeEvent(6));
  EXPECT_EQ(PopAll(*fresh), std::vector<int64_t>{6});
}

TEST(EventFanoutTest, OverflowEndsOnlyThatQueueAndReleasesIt) {
  EventFanout fanout(0, nullptr);
  auto small = std::make_shared<SubscriberQueue>(EventSelector(), 2, [] {});
  auto large = std::make_shared<SubscriberQueue>(EventSelector(), 100, [] {});
  fanout.Register(small);
  fanout.Register(large);
  for (int64_t id = 1; id <= 3; ++id) fanout.Deliver(MakeEvent(id));
  SubscriberQueue::PopState state;
  EXPECT_TRUE(PopAll(*small, &state).empty());
  EXPECT_EQ(state, SubscriberQueue::PopState::kOverflowed);
  EXPECT_EQ(PopAll(*large), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(fanout.subscriber_count(), 1u);
}

}  // namespace
}  // namespace pipebridge::core::events::internal
