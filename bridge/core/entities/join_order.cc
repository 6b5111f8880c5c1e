#include "bridge/core/entities/join_order.h"

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

absl::StatusOr<int64_t> Count(sqlite::Connection& c, const std::string& sql, const std::vector<sqlite::Value>& params) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql));
  stmt.BindAll(params);
  PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

// Rows of `root` matching an own conjunct, counted up to `limit`.
absl::StatusOr<int64_t> CountOwn(sqlite::Connection& c, const EntityTypeSchema& root, const Conjunct& own,
                                 int64_t limit) {
  return Count(c,
               absl::StrCat("SELECT count(*) FROM (SELECT 1 FROM ", TableName(root.name), " AS t WHERE ", own.sql,
                            " LIMIT ", limit, ")"),
               own.params);
}

// Rows of `root` that link to the records matching `linked` (of the filtered
// project, when there is one), up to kMaxDrivenRows + 1; -1 when more than
// kFewRows records match. Only the columns of the (link id, link type,
// project) index are read; retired rows are counted too.
absl::StatusOr<int64_t> CountLinked(sqlite::Connection& c, const EntityTypeSchema& root, const Conjunct& linked,
                                    std::optional<int64_t> project_id) {
  const std::string& j = linked.alias;
  std::string table = absl::StrCat(TableName(linked.owner->name), " AS ", j);
  std::string rows = absl::StrCat("SELECT 1 FROM ", table, " CROSS JOIN ", TableName(root.name), " AS t ON t.",
                                  LinkIdColumn(*linked.link), " = ", j, ".\"id\" AND t.",
                                  LinkTypeColumn(*linked.link), " = ", IdentifierLiteral(linked.owner->name),
                                  " WHERE ", linked.sql);
  std::vector<sqlite::Value> params = linked.params;
  params.insert(params.end(), linked.params.begin(), linked.params.end());
  const FieldSchema* project = ProjectLink(root);
  if (project != nullptr && project != linked.link && project_id.has_value()) {
    absl::StrAppend(&rows, " AND t.", LinkIdColumn(*project), " = ?");
    params.emplace_back(*project_id);
  }
  // CASE counts the rows only when the records are few.
  return Count(c,
               absl::StrCat("SELECT CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM ", table, " WHERE ", linked.sql,
                            " LIMIT ", kFewRows + 1, ")) > ", kFewRows, " THEN -1 ELSE (SELECT count(*) FROM (",
                            rows, " LIMIT ", kMaxDrivenRows + 1, ")) END"),
               params);
}

}  // namespace

absl::StatusOr<JoinOrder> ChooseJoinOrder(sqlite::Connection& c, const EntityTypeSchema& root,
                                          const SqlCondition& where) {
  JoinOrder order;
  // Each count stops at the fewest rows found so far, and the project's
  // filter, which matches every record of its project, is counted last: after
  // ["code", "is", X] has matched one row it reads one index entry, not 65.
  const FieldSchema* project = ProjectLink(root);
  const Conjunct* fewest_own = nullptr;
  int64_t fewest_own_rows = kFewRows + 1;
  for (bool project_pass : {false, true}) {
    for (const Conjunct& own : where.own) {
      if ((own.field == project) != project_pass) continue;
      PB_ASSIGN_OR_RETURN(int64_t rows, CountOwn(c, root, own, fewest_own_rows));
      if (rows < fewest_own_rows) {
        fewest_own = &own;
        fewest_own_rows = rows;
      }
    }
  }
  if (fewest_own != nullptr) {
    // The id is the rowid, which SQLite always searches by for "id = ?".
    // With the project filtered too, its (project, field) index seeks both.
    std::string project_index = ProjectFieldIndex(root, *fewest_own->field);
    if (where.project_id.has_value() && !project_index.empty()) {
      order.root_index = project_index;
    } else if (fewest_own->field->name != "id") {
      order.root_index = LeadingIndex(root, *fewest_own->field);
    }
    return order;
  }
  int64_t fewest = kMaxDrivenRows + 1;
  for (const Conjunct& linked : where.linked) {
    PB_ASSIGN_OR_RETURN(int64_t rows, CountLinked(c, root, linked, where.project_id));
    if (rows >= 0 && rows < fewest) {
      order.driving_join = linked.alias;
      fewest = rows;
    }
  }
  return order;
}

}  // namespace pipebridge::core::entities
