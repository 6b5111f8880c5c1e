// ShotGrid-style filters over event fields, compiled once, evaluated per event.
//
// Syntax (a JSON array; every element must hold, as "all"):
//   [["payload.entity.type", "is", "Asset"],
//    ["topic", "starts_with", "entity."],
//    {"filter_operator": "any", "filters": [...]}]
// Fields: id, topic, time, user, source_host, project, project.type,
// project.id, project.name, payload, payload.<dotted path>. A path through
// payload that does not exist reads as missing (only "is" null matches it).
// Relations: is, is_not, in, not_in, contains, not_contains, starts_with,
// ends_with, greater_than, less_than. Values of "in"/"not_in" are an array
// (or the remaining elements: ["f", "in", "a", "b"]). "time" compares with an
// RFC 3339 string or integer microseconds since the Unix epoch. "is" with a
// link {"type": T, "id": N} compares type and id only (extra keys such as
// "name" on either side are ignored). Comparisons between values of
// different kinds are false (so their negations are true), never errors.
//
// Errors are INVALID_ARGUMENT naming the element, e.g.
// `filters[1][1]: unknown relation "iss"` or `filters[2].filters[0][0]: ...`.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bridge/core/events/event.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::events {

class EventFilter {
 public:
  // Matches every event.
  EventFilter();
  // `filters`: null or an array as above. `field` prefixes error paths.
  static absl::StatusOr<EventFilter> Compile(const nlohmann::json& filters,
                                             absl::string_view field = "filters");

  // Thread-safe (immutable); allocation-free for scalar comparisons.
  bool Matches(const Event& event) const;
  bool matches_everything() const;

  struct Node;

 private:
  explicit EventFilter(std::shared_ptr<const Node> root);
  std::shared_ptr<const Node> root_;  // Null: matches everything.
};

}  // namespace pipebridge::core::events
