// The durable event log: append events inside any write transaction, list
// them, and subscribe to them (history replay, then live).
//
// Storage: tables pb_events and pb_event_log in the given database file
// (created at Open when missing). Ids are gapless and increase in commit
// order: Append assigns max(id) + 1 inside the caller's write transaction, so
// an event commits or rolls back with the change it describes and a rollback
// leaves no hole.
//
// Delivery: Append registers an after-commit callback on the transaction;
// sqlite::Database::Write runs it after COMMIT (never on rollback), in commit
// order, outside the write lock, and it hands the event to each live
// subscriber's bounded queue. Subscribers therefore only ever see committed
// events. Only appends through this EventLog's Database object are delivered
// live: one EventLog per database file per process.
//
// Retention: events are deleted when older than max_age or beyond the newest
// max_count (either limit alone, or both: an event goes when it breaks
// either); an event within both limits is never deleted. Pruning deletes the
// oldest events only (a prefix of ids), in batches of prune_batch rows per
// write transaction, on a background thread every prune_interval (first run
// at Open) and whenever Prune() is called. Ids are never reused after pruning.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bridge/core/events/event.h"
#include "bridge/core/events/subscription.h"
#include "bridge/core/sqlite/database.h"
#include "bridge/core/sqlite/group_commit.h"
#include "bridge/core/sqlite/transaction.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::events {

namespace internal {
class EventFanout;
}

struct RetentionOptions {
  // Delete events older than this (InfiniteDuration: no age limit).
  absl::Duration max_age = absl::InfiniteDuration();
  // Keep at most this many newest events (0: no count limit).
  int64_t max_count = 0;
  // Background pruning period when a limit is set (ZeroDuration: only Prune()).
  absl::Duration prune_interval = absl::Minutes(1);
  // Rows deleted per write transaction, so writers never wait long.
  int64_t prune_batch = 10000;
};

struct EventLogOptions {
  RetentionOptions retention;
  // Event times come from here (default absl::Now); tests inject a clock.
  std::function<absl::Time()> clock;
  // The largest payload, serialized, that Append accepts.
  size_t max_payload_bytes = 1 << 20;
  // Internal diagnostics (background pruning failures); never user-facing.
  std::function<void(absl::string_view)> log;
  // Most Publish calls committed together (group commit).
  size_t max_publish_batch = 256;
};

inline constexpr int kDefaultListLimit = 500;
inline constexpr int kMaxListLimit = 5000;

struct ListOptions {
  int64_t after_id = 0;  // Events with id > after_id ...
  int64_t up_to_id = 0;  // ... and id <= up_to_id (0: no upper bound).
  std::vector<std::string> topics;  // Patterns; empty: all topics.
  nlohmann::json filters;           // ShotGrid-style; null or []: no filter.
  int limit = 0;                    // 0: kDefaultListLimit; capped at kMaxListLimit.
};

struct ListResult {
  std::vector<Event> events;  // Oldest first.
  bool has_more = false;      // More matching events follow in the id range.
};

// Thread-safety: every method may be called from any thread concurrently.
// The Database must outlive the EventLog and every Subscription it made.
class EventLog {
 public:
  // Creates the tables when missing and starts background pruning when a
  // retention limit is set.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(sqlite::Database& db,
                                                        EventLogOptions options = {});
  ~EventLog();  // Stops background pruning; live subscriptions keep working.
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends inside `txn`, a write transaction of this log's Database (e.g. the
  // one the entity store's change listener receives). Returns the assigned
  // id; the event is delivered to subscribers only once `txn` commits.
  // INVALID_ARGUMENT naming the field (topic, payload, user, source_host,
  // project.*) on bad input.
  absl::StatusOr<int64_t> Append(sqlite::Transaction& txn, EventDraft draft);

  // Append in a write transaction of its own; returns the committed event. Concurrent
  // calls are group-committed (sqlite/group_commit.h): one transaction and one fsync for
  // every Publish waiting at that moment. Must not be called inside a Database::Write.
  absl::StatusOr<Event> Publish(EventDraft draft);

  // Committed events in an id range, oldest first. INVALID_ARGUMENT naming
  // the field for bad ranges, topics or filters. Pruned events are simply absent.
  absl::StatusOr<ListResult> List(const ListOptions& options) const;

  // See Subscription. `wakeup` is called (from any thread, possibly many
  // times, also spuriously) when Next() may have something new; it must be
  // cheap and must not call into the subscription except Close().
  // INVALID_ARGUMENT for bad topics, filters or options.
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(SubscribeOptions options,
                                                          std::function<void()> wakeup);

  // Applies retention now; returns the number of events deleted.
  absl::StatusOr<int64_t> Prune();

  // Live subscriptions currently registered (diagnostics, tests).
  size_t live_subscriber_count() const;

 private:
  EventLog(sqlite::Database& db, EventLogOptions options,
           std::shared_ptr<internal::EventFanout> fanout);
  absl::StatusOr<std::shared_ptr<const Event>> AppendEvent(sqlite::Transaction& txn,
                                                           EventDraft draft);
  void PruneLoop();

  sqlite::Database& db_;
  const EventLogOptions options_;
  const std::shared_ptr<internal::EventFanout> fanout_;
  using PublishQueue = sqlite::GroupCommit<EventDraft, std::shared_ptr<const Event>>;
  PublishQueue publish_queue_;

  std::mutex prune_mutex_;  // One Prune() at a time.

  std::mutex pruner_mutex_;
  std::condition_variable pruner_wake_;
  bool stopping_ = false;
  std::thread pruner_;
};

}  // namespace pipebridge::core::events
