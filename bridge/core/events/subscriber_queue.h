// Internal: the bounded queue between the fan-out (producer, on committing
// threads) and one Subscription (consumer), with its wakeup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "bridge/core/events/event.h"
#include "bridge/core/events/event_selector.h"

namespace pipebridge::core::events::internal {

class SubscriberQueue {
 public:
  SubscriberQueue(EventSelector selector, size_t capacity, std::function<void()> wakeup);
  SubscriberQueue(const SubscriberQueue&) = delete;
  SubscriberQueue& operator=(const SubscriberQueue&) = delete;

  const EventSelector& selector() const { return selector_; }
  size_t capacity() const { return capacity_; }

  // ---- Producer side (the fan-out), events offered in id order. ----
  struct OfferResult {
    bool keep = true;   // False: closed, failed or just overflowed; unregister it.
    bool wake = false;  // Call Wake() (outside the fan-out's lock).
  };
  // Enqueues `event` when the selector wants it. When the queue is full the
  // subscriber is ended (overflowed) and its queued events are released.
  OfferResult Offer(const std::shared_ptr<const Event>& event);
  // Ends the subscriber with `status` (the fan-out could not deliver). The
  // caller then calls Wake() (outside the fan-out's lock).
  void Fail(absl::Status status);

  // ---- Consumer side (the Subscription). ----
  enum class PopState { kEvent, kEmpty, kOverflowed, kFailed, kClosed };
  // The next queued event with id > after_id (older ones are dropped: the
  // consumer already read them from the database). kEmpty arms the wakeup.
  PopState Pop(int64_t after_id, std::shared_ptr<const Event>& event, absl::Status& failure);
  // Releases queued events; later offers are refused.
  void Close();

  // Calls the wakeup unless disabled; never under the queue's lock.
  void Wake();
  // After it returns the wakeup is never called again (it waits for a call in
  // progress on another thread; called from inside the wakeup it returns at once).
  void DisableWakeup();

 private:
  const EventSelector selector_;
  const size_t capacity_;

  std::mutex mutex_;
  std::deque<std::shared_ptr<const Event>> queue_;
  bool closed_ = false;
  bool overflowed_ = false;
  absl::Status failure_;
  // Set when the consumer found the queue empty: the next event wakes it.
  bool wake_armed_ = true;

  std::mutex wakeup_mutex_;
  std::function<void()> wakeup_;
  bool wakeup_disabled_ = false;
};

}  // namespace pipebridge::core::events::internal
