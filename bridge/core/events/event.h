// The event record: what happened, when, by whom, where, with what data.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::events {

// The project an event belongs to; empty (type "", id 0, name "") when none.
struct ProjectRef {
  std::string type;  // Usually "Project".
  int64_t id = 0;
  std::string name;

  bool empty() const { return type.empty() && id == 0 && name.empty(); }
  friend bool operator==(const ProjectRef& a, const ProjectRef& b) {
    return a.type == b.type && a.id == b.id && a.name == b.name;
  }
  friend bool operator!=(const ProjectRef& a, const ProjectRef& b) { return !(a == b); }
};

// A committed event as stored and delivered.
struct Event {
  // Gapless and increasing in commit order; resume from it with after_id.
  int64_t id = 0;
  // Dotted topic: "entity.Shot.updated", "publish.created", "host.attached", custom.
  std::string topic;
  // UTC, microsecond precision (assigned by the log's clock at Append).
  absl::Time time = absl::UnixEpoch();
  // Login of the user whose action caused the event.
  std::string user;
  ProjectRef project;
  // Host id of the application that caused it, when known.
  std::string source_host;
  // Always a JSON object.
  nlohmann::json payload = nlohmann::json::object();
};

// What a caller appends; the log assigns id and time.
struct EventDraft {
  std::string topic;
  std::string user;
  ProjectRef project;
  std::string source_host;
  // A JSON object; null is taken as {}.
  nlohmann::json payload = nlohmann::json::object();
  // True for events published by clients (the EventService Publish RPC): the
  // core's topic prefixes "entity.", "publish." and "host." are refused.
  bool custom = false;
};

}  // namespace pipebridge::core::events
