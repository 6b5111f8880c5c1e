// A pull-based subscription: replays history from the database page by page,
// then delivers live events from a bounded queue, with no gap and no duplicate
// at the seam.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/events/event.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::sqlite {
class Database;
}

namespace pipebridge::core::events {

namespace internal {
class EventFanout;
class SubscriberQueue;
}  // namespace internal

struct SubscribeOptions {
  // Topic patterns (see topic.h); empty: every topic.
  std::vector<std::string> topics;
  // ShotGrid-style filters (see event_filter.h); null or []: no filter.
  nlohmann::json filters;
  // Replay events with id > after_id before going live. 0 with
  // from_beginning false: live only, from now.
  int64_t after_id = 0;
  // Replay from the oldest retained event (after_id is ignored).
  bool from_beginning = false;
  // Live events waiting for Next(); when one more arrives the subscription
  // ends with RESOURCE_EXHAUSTED. Replayed history never counts against it.
  size_t queue_capacity = 10000;
  // Events read from the database per replay page.
  int64_t replay_page_size = 500;
};

// Thread-safety: every method may be called from any thread; Next() calls are
// serialised. The sqlite::Database must outlive the Subscription (replay reads
// it); the EventLog need not.
class Subscription {
 public:
  ~Subscription();  // Close().
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Never waits for new events. Returns:
  // - an event (oldest first, each matching event exactly once);
  // - std::nullopt when none is ready now: the wakeup fires when one may be;
  // - a terminal status, returned again by every later call:
  //   RESOURCE_EXHAUSTED when more than queue_capacity live events waited
  //   (the message names the last delivered id: resume with after_id = it);
  //   OUT_OF_RANGE when events after after_id were pruned by retention (the
  //   message names the oldest retained id) or after_id is beyond the newest
  //   event; UNAVAILABLE when live delivery failed; CANCELLED after Close().
  // While replaying, a call reads the database page by page until it finds a
  // matching event or reaches the live position (a narrow filter over a long
  // history may read many pages in one call); a database error is returned
  // as is and the next call retries. Next() never calls the wakeup itself.
  absl::StatusOr<std::optional<Event>> Next();

  // Next() without copying: live events are shared by every subscriber that
  // receives them. nullptr when none is ready now. Same contract otherwise.
  absl::StatusOr<std::shared_ptr<const Event>> NextShared();

  // The id of the last event Next() returned; before the first, the position
  // the subscription started from. Resuming with after_id = this misses nothing.
  int64_t last_delivered_id() const { return last_delivered_id_.load(); }

  // Idempotent. After it returns, the wakeup is never called again (it may be
  // called from inside the wakeup itself) and Next() returns CANCELLED.
  void Close();

 private:
  friend class EventLog;
  struct Start {
    int64_t after_id = 0;
    bool from_beginning = false;
    bool live = false;  // Already registered with the fan-out at `after_id`.
    int64_t page_size = 500;
  };
  Subscription(sqlite::Database& db, std::shared_ptr<internal::EventFanout> fanout,
               std::shared_ptr<internal::SubscriberQueue> queue, Start start);

  // Reads the next page of history into page_; may register for live events.
  absl::Status ReadPage();

  sqlite::Database& db_;
  const std::shared_ptr<internal::EventFanout> fanout_;
  const std::shared_ptr<internal::SubscriberQueue> queue_;
  const int64_t page_size_;

  std::atomic<bool> closed_{false};
  std::atomic<int64_t> last_delivered_id_;

  std::mutex next_mutex_;  // Serialises Next(); guards everything below.
  absl::Status terminal_;
  bool from_beginning_;
  bool first_read_ = true;
  bool replaying_;   // History left to read from the database.
  bool registered_;  // Receiving live events > replay_end_.
  int64_t replay_end_ = 0;
  int64_t cursor_;   // Every event <= cursor_ was delivered or did not match.
  std::deque<std::shared_ptr<const Event>> page_;
};

}  // namespace pipebridge::core::events
