// The dependency graph in pb_publish_dependencies: edges publish -> upstream.
//
// The graph is acyclic by construction: a publish can only depend on
// publishes that already exist when it is registered, and edges never change
// afterwards. The walks still bound their recursion (depth cap) so a graph
// edited behind the module's back cannot loop forever.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::publishes {

struct GraphHit {
  int64_t id = 0;
  int depth = 0;  // Shortest hop count from the start (1 = direct).
};

enum class Direction { kUpstream, kDownstream };

// Every publish reachable from `id` within `max_depth` hops (0: any), each
// once with its shortest hop count, ordered by depth then id. Excludes `id`.
absl::StatusOr<std::vector<GraphHit>> WalkDependencies(sqlite::Connection& connection, int64_t id,
                                                       Direction direction, int max_depth);

// The transitive downstream of `id` restricted to publishes that are the
// highest active version of their (entity, name, type).
absl::StatusOr<std::vector<GraphHit>> StaleDownstream(sqlite::Connection& connection, int64_t id);

// Upstream ids of each publish in `ids`, in registration order.
absl::StatusOr<std::map<int64_t, std::vector<int64_t>>> DirectDependencies(sqlite::Connection& connection,
                                                                           const std::vector<int64_t>& ids);

// Inserts the edges of a new publish (positions follow `upstream_ids`).
absl::Status InsertDependencies(sqlite::Connection& connection, int64_t publish_id,
                                const std::vector<int64_t>& upstream_ids);

}  // namespace pipebridge::core::publishes
