#include "bridge/core/events/subscriber_queue.h"

#include <utility>

namespace pipebridge::core::events::internal {
namespace {

// The queue whose wakeup runs on this thread (to let the wakeup Close()).
thread_local const SubscriberQueue* tls_waking = nullptr;

}  // namespace

SubscriberQueue::SubscriberQueue(EventSelector selector, size_t capacity,
                                 std::function<void()> wakeup)
    : selector_(std::move(selector)), capacity_(capacity), wakeup_(std::move(wakeup)) {}

SubscriberQueue::OfferResult SubscriberQueue::Offer(const std::shared_ptr<const Event>& event) {
  OfferResult result;
  // The selector is immutable: match before taking the lock.
  if (!selector_.Matches(*event)) return result;
  std::deque<std::shared_ptr<const Event>> released;
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || overflowed_ || !failure_.ok()) {
    result.keep = false;
    return result;
  }
  if (queue_.size() >= capacity_) {
    overflowed_ = true;
    released.swap(queue_);  // Freed after the lock is released.
    result.keep = false;
    result.wake = true;
    return result;
  }
  queue_.push_back(event);
  if (wake_armed_) {
    wake_armed_ = false;
    result.wake = true;
  }
  return result;
}

void SubscriberQueue::Fail(absl::Status status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || overflowed_ || !failure_.ok()) return;
    failure_ = std::move(status);
    queue_.clear();
  }
}

SubscriberQueue::PopState SubscriberQueue::Pop(int64_t after_id,
                                               std::shared_ptr<const Event>& event,
                                               absl::Status& failure) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return PopState::kClosed;
  if (overflowed_) return PopState::kOverflowed;
  if (!failure_.ok()) {
    failure = failure_;
    return PopState::kFailed;
  }
  while (!queue_.empty() && queue_.front()->id <= after_id) queue_.pop_front();
  if (queue_.empty()) {
    wake_armed_ = true;
    return PopState::kEmpty;
  }
  event = std::move(queue_.front());
  queue_.pop_front();
  return PopState::kEvent;
}

void SubscriberQueue::Close() {
  std::deque<std::shared_ptr<const Event>> released;
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  released.swap(queue_);
}

void SubscriberQueue::Wake() {
  std::lock_guard<std::mutex> lock(wakeup_mutex_);
  if (wakeup_disabled_ || !wakeup_) return;
  const SubscriberQueue* previous = std::exchange(tls_waking, this);
  wakeup_();
  tls_waking = previous;
  if (wakeup_disabled_) wakeup_ = nullptr;  // Disabled from inside the call.
}

void SubscriberQueue::DisableWakeup() {
  if (tls_waking == this) {
    // Inside our own wakeup on this thread: its lock is already held here.
    wakeup_disabled_ = true;
    return;
  }
  std::function<void()> released;
  std::lock_guard<std::mutex> lock(wakeup_mutex_);
  wakeup_disabled_ = true;
  released.swap(wakeup_);
}

}  // namespace pipebridge::core::events::internal
