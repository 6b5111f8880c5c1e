#include "bridge/core/publishes/dependency_graph.h"

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/status_macros.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::publishes {

namespace {

// Hop cap for depth 0 ("all"): far beyond any real pipeline, low enough that
// a cycle introduced outside this module ends the walk.
constexpr int kUnlimitedDepthCap = 10000;

// A recursive CTE named `walk(id, depth)` from ?1 in `direction`, at most ?2 hops.
std::string WalkCte(Direction direction) {
  const bool up = direction == Direction::kUpstream;
  const char* from = up ? "publish_id" : "upstream_id";
  const char* to = up ? "upstream_id" : "publish_id";
  return absl::StrCat("WITH RECURSIVE walk(id, depth) AS (SELECT ", to,
                      ", 1 FROM pb_publish_dependencies WHERE ", from,
                      " = ?1 UNION SELECT d.", to, ", w.depth + 1 FROM pb_publish_dependencies d JOIN walk w ON d.",
                      from, " = w.id WHERE w.depth < ?2), nearest AS (SELECT id, MIN(depth) AS depth FROM walk "
                      "WHERE id <> ?1 GROUP BY id) ");
}

absl::StatusOr<std::vector<GraphHit>> Collect(sqlite::Statement& statement) {
  std::vector<GraphHit> hits;
  while (true) {
    PB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    hits.push_back({statement.Int(0), static_cast<int>(statement.Int(1))});
  }
  return hits;
}

int DepthLimit(int max_depth) { return max_depth <= 0 ? kUnlimitedDepthCap : max_depth; }

}  // namespace

absl::StatusOr<std::vector<GraphHit>> WalkDependencies(sqlite::Connection& connection, int64_t id,
                                                       Direction direction, int max_depth) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare(absl::StrCat(WalkCte(direction),
                                                      "SELECT id, depth FROM nearest ORDER BY depth, id")));
  statement.BindInt(1, id);
  statement.BindInt(2, DepthLimit(max_depth));
  return Collect(statement);
}

absl::StatusOr<std::vector<GraphHit>> StaleDownstream(sqlite::Connection& connection, int64_t id) {
  const std::string files = entities::TableName("PublishedFile");
  PB_ASSIGN_OR_RETURN(
      sqlite::Statement statement,
      connection.Prepare(absl::StrCat(
          WalkCte(Direction::kDownstream),
          "SELECT n.id, n.depth FROM nearest n JOIN pb_publishes p ON p.id = n.id "
          "JOIN ", files, " e ON e.id = p.id AND e.retired = 0 "
          "WHERE p.version = (SELECT MAX(q.version) FROM pb_publishes q JOIN ", files,
          " qe ON qe.id = q.id AND qe.retired = 0 WHERE q.entity_type = p.entity_type "
          "AND q.entity_id = p.entity_id AND q.name = p.name AND q.publish_type = p.publish_type) "
          "ORDER BY n.depth, n.id")));
  statement.BindInt(1, id);
  statement.BindInt(2, kUnlimitedDepthCap);
  return Collect(statement);
}

absl::StatusOr<std::map<int64_t, std::vector<int64_t>>> DirectDependencies(sqlite::Connection& connection,
                                                                           const std::vector<int64_t>& ids) {
  std::map<int64_t, std::vector<int64_t>> out;
  if (ids.empty()) return out;
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare("SELECT publish_id, upstream_id FROM pb_publish_dependencies "
                                         "WHERE publish_id IN (SELECT value FROM json_each(?1)) "
                                         "ORDER BY publish_id, position"));
  statement.BindText(1, nlohmann::json(ids).dump());
  while (true) {
    PB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    out[statement.Int(0)].push_back(statement.Int(1));
  }
  return out;
}

absl::Status InsertDependencies(sqlite::Connection& connection, int64_t publish_id,
                                const std::vector<int64_t>& upstream_ids) {
  if (upstream_ids.empty()) return absl::OkStatus();
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare("INSERT INTO pb_publish_dependencies (publish_id, upstream_id, position) "
                                         "VALUES (?1, ?2, ?3)"));
  for (size_t i = 0; i < upstream_ids.size(); ++i) {
    statement.BindInt(1, publish_id);
    statement.BindInt(2, upstream_ids[i]);
    statement.BindInt(3, static_cast<int64_t>(i));
    PB_RETURN_IF_ERROR(statement.Run());
    statement.Reset();
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::core::publishes
