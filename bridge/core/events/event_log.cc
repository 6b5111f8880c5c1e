#include "bridge/core/events/event_log.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bridge/core/events/event_draft.h"
#include "bridge/core/events/event_fanout.h"
#include "bridge/core/events/event_selector.h"
#include "bridge/core/events/event_table.h"
#include "bridge/core/events/subscriber_queue.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::events {
namespace {

constexpr int64_t kListPageSize = 500;

bool HasRetention(const RetentionOptions& retention) {
  return retention.max_age != absl::InfiniteDuration() || retention.max_count > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(sqlite::Database& db,
                                                         EventLogOptions options) {
  if (options.retention.max_count < 0) {
    return absl::InvalidArgumentError("retention.max_count: must not be negative");
  }
  if (options.retention.max_age <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retention.max_age: must be positive");
  }
  if (options.retention.prune_batch <= 0) {
    return absl::InvalidArgumentError("retention.prune_batch: must be positive");
  }
  if (!options.clock) options.clock = [] { return absl::Now(); };
  internal::LogBounds bounds;
  absl::Status io_status = db.Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_RETURN_IF_ERROR(internal::CreateEventTables(txn.connection()));
    PB_ASSIGN_OR_RETURN(bounds, internal::ReadBounds(txn.connection()));
    return absl::OkStatus();
  });
  if (!io_status.ok()) return io_status;
  sqlite::Database* database = &db;
  auto gap_reader = [database](int64_t after,
                               int64_t up_to) -> absl::StatusOr<std::vector<Event>> {
    std::vector<Event> events;
    absl::Status read_status = database->Read([&](sqlite::Connection& connection) -> absl::Status {
      return internal::ScanEvents(connection, after, up_to, up_to - after, TopicPatterns(),
                                  events)
          .status();
    });
    if (!read_status.ok()) return read_status;
    return events;
  };
  auto fanout = std::make_shared<internal::EventFanout>(bounds.last_id, std::move(gap_reader));
  std::unique_ptr<EventLog> log(new EventLog(db, std::move(options), std::move(fanout)));
  if (HasRetention(log->options_.retention) &&
      log->options_.retention.prune_interval > absl::ZeroDuration()) {
    log->pruner_ = std::thread([raw = log.get()] { raw->PruneLoop(); });
  }
  return log;
}

EventLog::EventLog(sqlite::Database& db, EventLogOptions options,
                   std::shared_ptr<internal::EventFanout> fanout)
    : db_(db),
      options_(std::move(options)),
      fanout_(std::move(fanout)),
      publish_queue_(db, std::max<size_t>(1, options_.max_publish_batch),
                     [this](sqlite::Transaction& txn, const EventDraft& draft) {
                       return AppendEvent(txn, draft);
                     }) {}

EventLog::~EventLog() {
  {
    std::lock_guard<std::mutex> lock(pruner_mutex_);
    stopping_ = true;
  }
  pruner_wake_.notify_all();
  if (pruner_.joinable()) pruner_.join();
}

absl::StatusOr<std::shared_ptr<const Event>> EventLog::AppendEvent(sqlite::Transaction& txn,
                                                                   EventDraft draft) {
  PB_ASSIGN_OR_RETURN(std::string payload_text,
                      ValidateDraft(draft, options_.max_payload_bytes));
  if (!txn.active()) return absl::FailedPreconditionError("the transaction has finished");
  auto event = std::make_shared<Event>();
  PB_ASSIGN_OR_RETURN(event->id, internal::NextEventId(txn.connection()));
  event->topic = std::move(draft.topic);
  event->time = absl::FromUnixMicros(absl::ToUnixMicros(options_.clock()));
  event->user = std::move(draft.user);
  event->project = std::move(draft.project);
  event->source_host = std::move(draft.source_host);
  event->payload =
      draft.payload.is_null() ? nlohmann::json::object() : std::move(draft.payload);
  PB_RETURN_IF_ERROR(internal::InsertEvent(txn.connection(), *event, payload_text));
  std::shared_ptr<const Event> committed = std::move(event);
  txn.AfterCommit([fanout = fanout_, committed] { fanout->Deliver(committed); });
  return committed;
}

absl::StatusOr<int64_t> EventLog::Append(sqlite::Transaction& txn, EventDraft draft) {
  PB_ASSIGN_OR_RETURN(std::shared_ptr<const Event> event, AppendEvent(txn, std::move(draft)));
  return event->id;
}

absl::StatusOr<Event> EventLog::Publish(EventDraft draft) {
  PB_ASSIGN_OR_RETURN(std::shared_ptr<const Event> event, publish_queue_.Run(draft));
  return *event;
}

absl::StatusOr<ListResult> EventLog::List(const ListOptions& options) const {
  if (options.after_id < 0) return absl::InvalidArgumentError("after_id: must not be negative");
  if (options.up_to_id < 0) return absl::InvalidArgumentError("up_to_id: must not be negative");
  if (options.limit < 0) return absl::InvalidArgumentError("limit: must not be negative");
  const int64_t limit = options.limit == 0 ? kDefaultListLimit
                                           : std::min(options.limit, kMaxListLimit);
  PB_ASSIGN_OR_RETURN(EventSelector selector,
                      EventSelector::Compile(options.topics, options.filters));
  ListResult result;
  if (options.up_to_id > 0 && options.up_to_id <= options.after_id) return result;
  absl::Status io_status = db_.Read([&](sqlite::Connection& connection) -> absl::Status {
    int64_t cursor = options.after_id;
    std::vector<Event> rows;
    while (true) {
      rows.clear();
      PB_ASSIGN_OR_RETURN(internal::ScanResult scan,
                          internal::ScanEvents(connection, cursor, options.up_to_id,
                                               kListPageSize, selector.topics(), rows));
      for (Event& event : rows) {
        if (!selector.MatchesFilter(event)) continue;
        if (static_cast<int64_t>(result.events.size()) == limit) {
          result.has_more = true;
          return absl::OkStatus();
        }
        result.events.push_back(std::move(event));
      }
      if (scan.rows < kListPageSize) return absl::OkStatus();
      cursor = scan.last_id;
    }
  });
  if (!io_status.ok()) return io_status;
  return result;
}

absl::StatusOr<std::unique_ptr<Subscription>> EventLog::Subscribe(SubscribeOptions options,
                                                                  std::function<void()> wakeup) {
  if (options.after_id < 0) return absl::InvalidArgumentError("after_id: must not be negative");
  if (options.queue_capacity == 0) {
    return absl::InvalidArgumentError("queue_capacity: must be positive");
  }
  if (options.replay_page_size <= 0) {
    return absl::InvalidArgumentError("replay_page_size: must be positive");
  }
  PB_ASSIGN_OR_RETURN(EventSelector selector,
                      EventSelector::Compile(options.topics, options.filters));
  auto queue = std::make_shared<internal::SubscriberQueue>(
      std::move(selector), options.queue_capacity, std::move(wakeup));
  Subscription::Start start;
  start.page_size = options.replay_page_size;
  start.from_beginning = options.from_beginning;
  start.after_id = options.from_beginning ? 0 : options.after_id;
  if (!options.from_beginning && options.after_id == 0) {
    start.live = true;
    start.after_id = fanout_->Register(queue);
  }
  return std::unique_ptr<Subscription>(
      new Subscription(db_, fanout_, std::move(queue), start));
}

absl::StatusOr<int64_t> EventLog::Prune() {
  std::lock_guard<std::mutex> lock(prune_mutex_);
  const RetentionOptions& retention = options_.retention;
  if (!HasRetention(retention)) return 0;
  const bool has_cutoff = retention.max_age != absl::InfiniteDuration();
  const int64_t cutoff =
      has_cutoff ? absl::ToUnixMicros(options_.clock() - retention.max_age) : 0;
  int64_t target = 0;
  absl::Status io_status = db_.Read([&](sqlite::Connection& connection) -> absl::Status {
    PB_ASSIGN_OR_RETURN(target, internal::PruneTarget(connection, has_cutoff, cutoff,
                                                      retention.max_count));
    return absl::OkStatus();
  });
  if (!io_status.ok()) return io_status;
  int64_t deleted = 0;
  while (true) {
    bool done = false;
    absl::Status write_status = db_.Write([&](sqlite::Transaction& txn) -> absl::Status {
      PB_ASSIGN_OR_RETURN(internal::LogBounds bounds, internal::ReadBounds(txn.connection()));
      if (bounds.pruned_through >= target) {
        done = true;
        return absl::OkStatus();
      }
      const int64_t through = std::min(target, bounds.pruned_through + retention.prune_batch);
      PB_ASSIGN_OR_RETURN(int64_t rows,
                          internal::DeleteEventsThrough(txn.connection(), through));
      deleted += rows;
      return absl::OkStatus();
    });
    if (!write_status.ok()) return write_status;
    if (done) return deleted;
  }
}

void EventLog::PruneLoop() {
  std::unique_lock<std::mutex> lock(pruner_mutex_);
  while (!stopping_) {
    lock.unlock();
    absl::StatusOr<int64_t> pruned = Prune();
    if (!pruned.ok() && options_.log) {
      options_.log(absl::StrCat("event log: pruning failed: ", pruned.status().ToString()));
    }
    lock.lock();
    pruner_wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.retention.prune_interval),
                          [this] { return stopping_; });
  }
}

size_t EventLog::live_subscriber_count() const { return fanout_->subscriber_count(); }

}  // namespace pipebridge::core::events
