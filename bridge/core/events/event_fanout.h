// Internal: hands committed events to the live subscribers' queues.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/events/event.h"
#include "bridge/core/events/subscriber_queue.h"

namespace pipebridge::core::events::internal {

// Deliver() runs from the after-commit callbacks of the transactions that
// appended the events, which Database::Write runs in commit order, outside
// its write lock. Per event it does O(subscribers) cheap work: a topic/filter
// match and, for matching subscribers, one enqueue; wakeups run after the
// fan-out's lock is released. Register() is atomic with respect to Deliver():
// the boundary it returns splits "already delivered (read it from the
// database)" from "will be offered to the queue", so subscribers get no gap
// and no duplicate at the seam.
class EventFanout {
 public:
  // Reads committed events in (after, up_to] from the database: used only when
  // an event arrives whose predecessors were never delivered (they committed
  // through a transaction that bypassed Database::Write's after-commit hook).
  using GapReader = std::function<absl::StatusOr<std::vector<Event>>(int64_t, int64_t)>;

  EventFanout(int64_t delivered_through, GapReader gap_reader);

  // `event` has committed; events must arrive in increasing id order.
  void Deliver(std::shared_ptr<const Event> event);

  // Registers `queue`; returns the boundary B: every event with id <= B was
  // delivered before (and is committed), every event with id > B will be offered.
  int64_t Register(std::shared_ptr<SubscriberQueue> queue);
  void Unregister(const SubscriberQueue* queue);

  int64_t delivered_through() const;
  size_t subscriber_count() const;

 private:
  void OfferLocked(const std::shared_ptr<const Event>& event,
                   std::vector<std::shared_ptr<SubscriberQueue>>& wake);

  const GapReader gap_reader_;
  mutable std::mutex mutex_;
  int64_t delivered_through_;
  std::vector<std::shared_ptr<SubscriberQueue>> queues_;
};

}  // namespace pipebridge::core::events::internal
