// The event log's tables and every SQL statement that touches them.
//
// pb_events: one row per event, id INTEGER PRIMARY KEY (no AUTOINCREMENT).
// pb_event_log: one row; pruned_through = every event with id <= it has
// been deleted by retention (ids are never reused: the next id is
// max(max(id), pruned_through) + 1, computed inside the write transaction, so
// a rolled-back transaction leaves no hole).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/events/event.h"
#include "bridge/core/events/topic.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::events::internal {

// Creates the tables when missing (inside a write transaction).
absl::Status CreateEventTables(sqlite::Connection& connection);

struct LogBounds {
  int64_t pruned_through = 0;  // Events <= this were deleted by retention.
  int64_t last_id = 0;         // The newest id ever assigned (0: none).
};
absl::StatusOr<LogBounds> ReadBounds(sqlite::Connection& connection);

// The id the next appended event gets.
absl::StatusOr<int64_t> NextEventId(sqlite::Connection& connection);
// `payload_text`: the event's payload, serialized.
absl::Status InsertEvent(sqlite::Connection& connection, const Event& event,
                         absl::string_view payload_text);

struct ScanResult {
  int64_t rows = 0;     // Rows read (matching the topics or not).
  int64_t last_id = 0;  // Id of the last row read (0 when none).
};
// Reads up to `limit` rows with after < id (<= up_to when up_to > 0), oldest
// first, appending to `out` those whose topic `topics` matches (payloads of
// the others are not parsed). DATA_LOSS when a stored row is unreadable.
absl::StatusOr<ScanResult> ScanEvents(sqlite::Connection& connection, int64_t after,
                                      int64_t up_to, int64_t limit, const TopicPatterns& topics,
                                      std::vector<Event>& out);

// The highest id retention may delete: the longest prefix of events older
// than `cutoff_micros` (when has_cutoff) joined with everything beyond the
// newest `max_count` (when max_count > 0). Never beyond the newest event.
absl::StatusOr<int64_t> PruneTarget(sqlite::Connection& connection, bool has_cutoff,
                                    int64_t cutoff_micros, int64_t max_count);

// Deletes events with id <= through and records pruned_through; returns rows deleted.
absl::StatusOr<int64_t> DeleteEventsThrough(sqlite::Connection& connection, int64_t through);

}  // namespace pipebridge::core::events::internal
