// Version numbers per version key (entity, task or 0, name, type), stored in
// pb_publish_versions. Every function runs inside the caller's write
// transaction (BEGIN IMMEDIATE), which serialises them across threads and
// processes sharing the file: two reservers never see the same counter.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::publishes {

struct VersionScope {
  std::string entity_type;
  int64_t entity_id = 0;
  int64_t task_id = 0;  // 0: no task.
  std::string name;
  std::string publish_type;
};

// Hands out the next version (1 for a new key): the counter only grows.
absl::StatusOr<int64_t> ReserveNextVersion(sqlite::Connection& connection, const VersionScope& scope);

// Raises the counter to at least `version` (an explicitly numbered publish),
// so later reservations never return a registered number.
absl::Status RaiseVersionCounter(sqlite::Connection& connection, const VersionScope& scope, int64_t version);

// The publish holding `version` of `scope`, or 0.
absl::StatusOr<int64_t> PublishWithVersion(sqlite::Connection& connection, const VersionScope& scope,
                                           int64_t version);

}  // namespace pipebridge::core::publishes
