#include "bridge/core/events/subscription.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bridge/core/events/event_fanout.h"
#include "bridge/core/events/event_table.h"
#include "bridge/core/events/subscriber_queue.h"
#include "bridge/core/sqlite/database.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::events {
Subscription::Subscription(sqlite::Database& db, std::shared_ptr<internal::EventFanout> fanout,
                           std::shared_ptr<internal::SubscriberQueue> queue, Start start)
    : db_(db),
      fanout_(std::move(fanout)),
      queue_(std::move(queue)),
      page_size_(start.page_size),
      last_delivered_id_(start.after_id),
      from_beginning_(start.from_beginning),
      replaying_(!start.live),
      registered_(start.live),
      replay_end_(start.after_id),
      cursor_(start.after_id) {}

Subscription::~Subscription() { Close(); }

void Subscription::Close() {
  closed_.store(true);
  queue_->Close();
  fanout_->Unregister(queue_.get());
  queue_->DisableWakeup();
}

absl::StatusOr<std::optional<Event>> Subscription::Next() {
  absl::StatusOr<std::shared_ptr<const Event>> next = NextShared();
  if (!next.ok()) return next.status();
  if (*next == nullptr) return std::optional<Event>();
  return std::optional<Event>(**next);
}

absl::StatusOr<std::shared_ptr<const Event>> Subscription::NextShared() {
  std::lock_guard<std::mutex> lock(next_mutex_);
  if (!terminal_.ok()) return terminal_;
  while (true) {
    if (closed_.load()) {
      terminal_ = absl::CancelledError("the subscription was closed");
      return terminal_;
    }
    if (!page_.empty()) {
      std::shared_ptr<const Event> event = std::move(page_.front());
      page_.pop_front();
      last_delivered_id_.store(event->id);
      return event;
    }
    if (replaying_) {
      // Never calls the wakeup from here: a consumer may hold its own lock
      // around Next() that its wakeup takes.
      absl::Status status = ReadPage();
      if (!status.ok()) {
        if (status.code() == absl::StatusCode::kOutOfRange) terminal_ = status;
        return status;
      }
      continue;
    }
    std::shared_ptr<const Event> event;
    absl::Status failure;
    switch (queue_->Pop(cursor_, event, failure)) {
      case internal::SubscriberQueue::PopState::kEvent:
        cursor_ = event->id;
        last_delivered_id_.store(event->id);
        return event;
      case internal::SubscriberQueue::PopState::kEmpty:
        return nullptr;
      case internal::SubscriberQueue::PopState::kOverflowed:
        terminal_ = absl::ResourceExhaustedError(absl::StrCat(
            "the subscriber fell more than ", queue_->capacity(),
            " events behind; resume with after_id = ", last_delivered_id_.load(),
            " (the last delivered event)"));
        return terminal_;
      case internal::SubscriberQueue::PopState::kFailed:
        terminal_ = failure;
        return terminal_;
      case internal::SubscriberQueue::PopState::kClosed:
        terminal_ = absl::CancelledError("the subscription was closed");
        return terminal_;
    }
  }
}

absl::Status Subscription::ReadPage() {
  std::vector<Event> rows;
  internal::ScanResult scan;
  const bool bounded = registered_;
  absl::Status io_status = db_.Read([&](sqlite::Connection& connection) -> absl::Status {
    PB_ASSIGN_OR_RETURN(internal::LogBounds bounds, internal::ReadBounds(connection));
    if (from_beginning_ && first_read_) {
      cursor_ = std::max(cursor_, bounds.pruned_through);
      last_delivered_id_.store(cursor_);
    }
    if (cursor_ < bounds.pruned_through) {
      return absl::OutOfRangeError(absl::StrCat(
          "events after ", cursor_, " were pruned by retention; the oldest retained id is ",
          bounds.pruned_through + 1, ": resume with after_id = ", bounds.pruned_through,
          " or from_beginning"));
    }
    if (first_read_ && cursor_ > bounds.last_id) {
      return absl::OutOfRangeError(absl::StrCat("after_id ", cursor_,
                                                " is beyond the newest event, ", bounds.last_id));
    }
    first_read_ = false;
    PB_ASSIGN_OR_RETURN(scan, internal::ScanEvents(connection, cursor_, bounded ? replay_end_ : 0,
                                                   page_size_, queue_->selector().topics(), rows));
    return absl::OkStatus();
  });
  if (!io_status.ok()) return io_status;
  if (scan.rows > 0) cursor_ = scan.last_id;
  for (Event& event : rows) {
    if (queue_->selector().MatchesFilter(event)) {
      page_.push_back(std::make_shared<const Event>(std::move(event)));
    }
  }
  const bool exhausted = scan.rows < page_size_;
  if (bounded) {
    if (exhausted) cursor_ = std::max(cursor_, replay_end_);
    if (cursor_ >= replay_end_) replaying_ = false;
    return absl::OkStatus();
  }
  if (exhausted) {
    // Caught up with what was committed at the read: go live. Events the
    // fan-out delivered since (ids in (cursor_, replay_end_]) are still read
    // from the database; later ones arrive in the queue.
    replay_end_ = fanout_->Register(queue_);
    registered_ = true;
    if (cursor_ >= replay_end_) replaying_ = false;
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::core::events
