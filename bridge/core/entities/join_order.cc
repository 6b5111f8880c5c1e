#include "bridge/core/entities/join_order.h"

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {

absl::StatusOr<std::string> ChooseDrivingJoin(sqlite::Connection& c, const EntityTypeSchema& root,
                                              const SqlCondition& where) {
  const FieldSchema* project = ProjectLink(root);
  std::string best;
  int64_t best_rows = kMaxDrivenRows + 1;
  for (const LinkedConjunct& conjunct : where.linked) {
    const std::string& j = conjunct.alias;
    std::string linked = absl::StrCat(TableName(conjunct.linked->name), " AS ", j, " WHERE ", conjunct.sql);
    // Rows of the root linked from those records: only the index's columns
    // (link id, link type, project) are read. Retired rows are counted too.
    std::string rows = absl::StrCat(
        "SELECT 1 FROM ", TableName(conjunct.linked->name), " AS ", j, " CROSS JOIN ", TableName(root.name),
        " AS t ON t.", LinkIdColumn(*conjunct.link), " = ", j, ".\"id\" AND t.", LinkTypeColumn(*conjunct.link),
        " = ", IdentifierLiteral(conjunct.linked->name), " WHERE ", conjunct.sql);
    bool in_project = project != nullptr && project != conjunct.link && where.project_id.has_value();
    if (in_project) absl::StrAppend(&rows, " AND t.", LinkIdColumn(*project), " = ?");
    // CASE evaluates the second count only when the first is small.
    std::string sql = absl::StrCat("SELECT CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM ", linked, " LIMIT ",
                                   kMaxDrivingRecords + 1, ")) > ", kMaxDrivingRecords,
                                   " THEN -1 ELSE (SELECT count(*) FROM (", rows, " LIMIT ", kMaxDrivenRows + 1,
                                   ")) END");
    PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql));
    std::vector<sqlite::Value> params = conjunct.params;
    params.insert(params.end(), conjunct.params.begin(), conjunct.params.end());
    if (in_project) params.emplace_back(*where.project_id);
    stmt.BindAll(params);
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) continue;
    int64_t count = stmt.Int(0);
    if (count >= 0 && count < best_rows) {
      best = j;
      best_rows = count;
    }
  }
  return best;
}

}  // namespace pipebridge::core::entities
