#include "bridge/core/events/event_table.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::events::internal {
absl::Status CreateEventTables(sqlite::Connection& connection) {
  return connection.Execute(
      "CREATE TABLE IF NOT EXISTS pb_events("
      " id INTEGER PRIMARY KEY,"
      " topic TEXT NOT NULL,"
      " time_us INTEGER NOT NULL,"
      " user_login TEXT NOT NULL,"
      " project_type TEXT NOT NULL,"
      " project_id INTEGER NOT NULL,"
      " project_name TEXT NOT NULL,"
      " source_host TEXT NOT NULL,"
      " payload TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS pb_event_log("
      " singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
      " pruned_through INTEGER NOT NULL);"
      "INSERT OR IGNORE INTO pb_event_log(singleton, pruned_through) VALUES (1, 0);");
}

absl::StatusOr<LogBounds> ReadBounds(sqlite::Connection& connection) {
  PB_ASSIGN_OR_RETURN(
      sqlite::Statement stmt,
      connection.Prepare(
          "SELECT pruned_through, (SELECT MAX(id) FROM pb_events) FROM pb_event_log"));
  PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  LogBounds bounds;
  if (!row) return absl::DataLossError("the event log's state row is missing");
  bounds.pruned_through = stmt.Int(0);
  bounds.last_id = std::max(bounds.pruned_through, stmt.IsNull(1) ? int64_t{0} : stmt.Int(1));
  return bounds;
}

absl::StatusOr<int64_t> NextEventId(sqlite::Connection& connection) {
  PB_ASSIGN_OR_RETURN(LogBounds bounds, ReadBounds(connection));
  return bounds.last_id + 1;
}

absl::Status InsertEvent(sqlite::Connection& connection, const Event& event,
                         absl::string_view payload_text) {
  PB_ASSIGN_OR_RETURN(
      sqlite::Statement stmt,
      connection.Prepare("INSERT INTO pb_events(id, topic, time_us, user_login, project_type,"
                         " project_id, project_name, source_host, payload)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.BindInt(1, event.id);
  stmt.BindText(2, event.topic);
  stmt.BindInt(3, absl::ToUnixMicros(event.time));
  stmt.BindText(4, event.user);
  stmt.BindText(5, event.project.type);
  stmt.BindInt(6, event.project.id);
  stmt.BindText(7, event.project.name);
  stmt.BindText(8, event.source_host);
  stmt.BindText(9, payload_text);
  return stmt.Run();
}

absl::StatusOr<ScanResult> ScanEvents(sqlite::Connection& connection, int64_t after,
                                      int64_t up_to, int64_t limit, const TopicPatterns& topics,
                                      std::vector<Event>& out) {
  PB_ASSIGN_OR_RETURN(
      sqlite::Statement stmt,
      connection.Prepare("SELECT id, topic, time_us, user_login, project_type, project_id,"
                         " project_name, source_host, payload FROM pb_events"
                         " WHERE id > ? AND id <= ? ORDER BY id LIMIT ?"));
  stmt.BindInt(1, after);
  stmt.BindInt(2, up_to > 0 ? up_to : INT64_MAX);
  stmt.BindInt(3, limit);
  ScanResult result;
  while (true) {
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ++result.rows;
    result.last_id = stmt.Int(0);
    absl::string_view topic = stmt.Text(1);
    if (!topics.Matches(std::string_view(topic.data(), topic.size()))) continue;
    Event event;
    event.id = result.last_id;
    event.topic = std::string(topic);
    event.time = absl::FromUnixMicros(stmt.Int(2));
    event.user = std::string(stmt.Text(3));
    event.project.type = std::string(stmt.Text(4));
    event.project.id = stmt.Int(5);
    event.project.name = std::string(stmt.Text(6));
    event.source_host = std::string(stmt.Text(7));
    absl::string_view payload = stmt.Text(8);
    event.payload = nlohmann::json::parse(payload.begin(), payload.end(), nullptr,
                                          /*allow_exceptions=*/false);
    if (event.payload.is_discarded()) {
      return absl::DataLossError(
          absl::StrCat("event ", event.id, ": the stored payload is not valid JSON"));
    }
    out.push_back(std::move(event));
  }
  return result;
}

absl::StatusOr<int64_t> PruneTarget(sqlite::Connection& connection, bool has_cutoff,
                                    int64_t cutoff_micros, int64_t max_count) {
  PB_ASSIGN_OR_RETURN(LogBounds bounds, ReadBounds(connection));
  int64_t target = bounds.pruned_through;
  if (max_count > 0) target = std::max(target, bounds.last_id - max_count);
  if (has_cutoff) {
    // The first event at or after the cutoff bounds the prefix: an older
    // event after it (clock stepped back) is kept with it.
    PB_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                        connection.Prepare("SELECT id FROM pb_events WHERE time_us >= ?"
                                           " ORDER BY id LIMIT 1"));
    stmt.BindInt(1, cutoff_micros);
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    int64_t by_age = row ? stmt.Int(0) - 1 : bounds.last_id;
    target = std::max(target, by_age);
  }
  return std::min(target, bounds.last_id);
}

absl::StatusOr<int64_t> DeleteEventsThrough(sqlite::Connection& connection, int64_t through) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement remove,
                      connection.Prepare("DELETE FROM pb_events WHERE id <= ?"));
  remove.BindInt(1, through);
  PB_RETURN_IF_ERROR(remove.Run());
  int64_t deleted = connection.Changes();
  PB_ASSIGN_OR_RETURN(
      sqlite::Statement mark,
      connection.Prepare("UPDATE pb_event_log SET pruned_through = MAX(pruned_through, ?)"));
  mark.BindInt(1, through);
  PB_RETURN_IF_ERROR(mark.Run());
  return deleted;
}

}  // namespace pipebridge::core::events::internal
