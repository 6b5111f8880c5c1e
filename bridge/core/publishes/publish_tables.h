// The publishes module's own tables, next to the entity tables in the store's
// database file. Written only inside the same write transaction as the
// PublishedFile entity they describe.
//
//   pb_publishes             one row per publish: id (= PublishedFile id), the
//                            version key (entity, task or 0, name, type),
//                            step or 0, version, path. UNIQUE(path) and
//                            UNIQUE(entity, task, name, type, version).
//   pb_publish_dependencies  (publish_id, upstream_id, position): edges of the
//                            dependency graph; immutable once registered.
//   pb_publish_versions      the last version handed out per version key:
//                            never decreases, so no number is handed out twice.
#pragma once

#include "absl/status/status.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::publishes {

// Creates missing tables and indexes (idempotent; run in a write transaction).
absl::Status CreatePublishTables(sqlite::Connection& connection);

}  // namespace pipebridge::core::publishes
