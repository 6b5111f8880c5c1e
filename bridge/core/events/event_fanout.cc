#include "bridge/core/events/event_fanout.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pipebridge::core::events::internal {

EventFanout::EventFanout(int64_t delivered_through, GapReader gap_reader)
    : gap_reader_(std::move(gap_reader)), delivered_through_(delivered_through) {}

void EventFanout::Deliver(std::shared_ptr<const Event> event) {
  std::vector<std::shared_ptr<SubscriberQueue>> wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (event->id <= delivered_through_) return;  // Already delivered.
    if (event->id > delivered_through_ + 1) {
      absl::StatusOr<std::vector<Event>> missing =
          gap_reader_ ? gap_reader_(delivered_through_, event->id - 1)
                      : absl::StatusOr<std::vector<Event>>(std::vector<Event>{});
      bool complete = missing.ok() && static_cast<int64_t>(missing->size()) ==
                                          event->id - 1 - delivered_through_;
      if (complete) {
        for (Event& earlier : *missing) {
          OfferLocked(std::make_shared<const Event>(std::move(earlier)), wake);
        }
      } else {
        // Live subscribers would miss events: end them; they resume from the
        // last id they got and read the rest from the database.
        absl::Status failure = absl::UnavailableError(absl::StrCat(
            "events ", delivered_through_ + 1, " to ", event->id - 1,
            " could not be delivered live; resume from the last delivered id"));
        for (std::shared_ptr<SubscriberQueue>& queue : queues_) {
          queue->Fail(failure);
          wake.push_back(std::move(queue));
        }
        queues_.clear();
        delivered_through_ = event->id - 1;
      }
    }
    OfferLocked(event, wake);
  }
  for (const std::shared_ptr<SubscriberQueue>& queue : wake) queue->Wake();
}

void EventFanout::OfferLocked(const std::shared_ptr<const Event>& event,
                              std::vector<std::shared_ptr<SubscriberQueue>>& wake) {
  for (size_t i = 0; i < queues_.size();) {
    SubscriberQueue::OfferResult result = queues_[i]->Offer(event);
    if (result.wake) wake.push_back(queues_[i]);
    if (result.keep) {
      ++i;
    } else {
      queues_[i] = std::move(queues_.back());
      queues_.pop_back();
    }
  }
  delivered_through_ = event->id;
}

int64_t EventFanout::Register(std::shared_ptr<SubscriberQueue> queue) {
  std::lock_guard<std::mutex> lock(mutex_);
  queues_.push_back(std::move(queue));
  return delivered_through_;
}

void EventFanout::Unregister(const SubscriberQueue* queue) {
  std::shared_ptr<SubscriberQueue> released;  // Destroyed outside the lock.
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(
      queues_.begin(), queues_.end(),
      [queue](const std::shared_ptr<SubscriberQueue>& q) { return q.get() == queue; });
  if (it == queues_.end()) return;
  released = std::move(*it);
  *it = std::move(queues_.back());
  queues_.pop_back();
}

int64_t EventFanout::delivered_through() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return delivered_through_;
}

size_t EventFanout::subscriber_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queues_.size();
}

}  // namespace pipebridge::core::events::internal
