#include "bridge/core/entities/find_query.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/field_resolver.h"
#include "bridge/core/entities/filter_compiler.h"
#include "bridge/core/entities/join_order.h"
#include "bridge/core/entities/record_reader.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {

using nlohmann::json;

absl::StatusOr<const EntityTypeSchema*> LookupType(const Schema& schema, const std::string& name,
                                                   const std::string& path_prefix) {
  const EntityTypeSchema* type = schema.FindType(name);
  if (type == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_prefix, "entity_type: unknown entity type \"", name, "\""));
  }
  return type;
}

std::string RetiredCondition(RetiredMode mode) {
  switch (mode) {
    case RetiredMode::kActive: return "t.retired = 0";
    case RetiredMode::kRetiredOnly: return "t.retired = 1";
    case RetiredMode::kIncludeRetired: return "";
  }
  return "t.retired = 0";
}

namespace {

struct FindSql {
  std::string text;
  std::vector<sqlite::Value> params;  // LIMIT and OFFSET included
};

// The SELECT for `request`; `reader` gets the requested fields.
absl::StatusOr<FindSql> BuildFind(sqlite::Connection& c, const EntityTypeSchema& type, FieldResolver& resolver,
                                  RecordReader& reader, const FindRequest& request,
                                  const FindOptions& options) {
  const std::string& prefix = options.path_prefix;
  if (request.limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "limit: must not be negative"));
  }
  if (request.page < 1) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "page: pages are numbered from 1"));
  }
  if (request.page > 1 && request.limit == 0) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "page: paging needs a limit"));
  }
  if (request.limit > 0 && request.page - 1 > std::numeric_limits<int64_t>::max() / request.limit) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "page: too large"));
  }
  PB_RETURN_IF_ERROR(reader.AddFields(request.fields, absl::StrCat(prefix, options.fields_path)));
  PB_ASSIGN_OR_RETURN(SqlCondition where,
                      CompileFilters(resolver, request.filters, request.filter_operator,
                                     absl::StrCat(prefix, "filters"), options.now));
  std::string order;
  for (size_t i = 0; i < request.order.size(); ++i) {
    const OrderBy& o = request.order[i];
    std::string path = absl::StrCat(prefix, "order[", i, "]");
    PB_ASSIGN_OR_RETURN(ColumnRef ref, resolver.Resolve(o.field_name, absl::StrCat(path, ".field_name")));
    std::string direction;
    if (o.direction == "asc" || o.direction.empty()) {
      direction = " ASC";
    } else if (o.direction == "desc") {
      direction = " DESC";
    } else {
      return absl::InvalidArgumentError(absl::StrCat(path, ".direction: expected \"asc\" or \"desc\", got \"",
                                                     o.direction, "\""));
    }
    if (!ref.json_keys.empty()) {
      absl::StrAppend(&order, ref.JsonValue(), direction, ", ");
      continue;
    }
    switch (ref.field->type) {
      case FieldType::kMultiEntity:
      case FieldType::kJson:
        return absl::InvalidArgumentError(absl::StrCat(path, ".field_name: cannot order by a ",
                                                       FieldTypeName(ref.field->type), " field"));
      case FieldType::kEntity:
        absl::StrAppend(&order, ref.LinkType(), direction, ", ", ref.LinkId(), direction, ", ");
        break;
      default:
        absl::StrAppend(&order, ref.Scalar(), direction, ", ");
    }
  }
  // SQLite's choice is a gamble with a filter on a linked record, or with two filters an
  // index could each answer: without statistics it rates every equality alike and an
  // `in` list as ~25 values (join_order.h).
  JoinOrder join_order;
  if (!where.linked.empty() || where.own.size() >= 2) {
    PB_ASSIGN_OR_RETURN(join_order, ChooseJoinOrder(c, type, where));
  }
  FindSql sql;
  sql.text = absl::StrCat("SELECT ", reader.SelectList(), " FROM ",
                          join_order.driving_join.empty() ? resolver.FromClause(join_order.root_index)
                                                          : resolver.FromClauseDrivenBy(join_order.driving_join),
                          " WHERE ");
  std::string retired = RetiredCondition(request.retired);
  if (!retired.empty()) absl::StrAppend(&sql.text, retired, " AND ");
  absl::StrAppend(&sql.text, where.sql, " ORDER BY ", order, "t.\"id\" ASC");
  sql.params = std::move(where.params);
  if (request.limit > 0) {
    absl::StrAppend(&sql.text, " LIMIT ? OFFSET ?");
    sql.params.emplace_back(request.limit);
    sql.params.emplace_back((request.page - 1) * request.limit);
  }
  return sql;
}

}  // namespace

absl::StatusOr<std::vector<json>> RunFind(sqlite::Connection& c, const Schema& schema,
                                          const FindRequest& request, const FindOptions& options) {
  PB_ASSIGN_OR_RETURN(const EntityTypeSchema* type, LookupType(schema, request.entity_type, options.path_prefix));
  FieldResolver resolver(schema, *type);
  RecordReader reader(resolver);
  PB_ASSIGN_OR_RETURN(FindSql sql, BuildFind(c, *type, resolver, reader, request, options));
  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql.text));
  stmt.BindAll(sql.params);
  std::vector<json> records;
  while (true) {
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    records.push_back(reader.Decode(stmt));
  }
  stmt = sqlite::Statement();
  PB_RETURN_IF_ERROR(reader.Complete(c, records, options.with_names));
  return records;
}

absl::StatusOr<std::vector<std::string>> ExplainFind(sqlite::Connection& c, const Schema& schema,
                                                     const FindRequest& request, const FindOptions& options) {
  PB_ASSIGN_OR_RETURN(const EntityTypeSchema* type, LookupType(schema, request.entity_type, options.path_prefix));
  FieldResolver resolver(schema, *type);
  RecordReader reader(resolver);
  PB_ASSIGN_OR_RETURN(FindSql sql, BuildFind(c, *type, resolver, reader, request, options));
  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(absl::StrCat("EXPLAIN QUERY PLAN ", sql.text)));
  stmt.BindAll(sql.params);
  std::vector<std::string> plan;
  while (true) {
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    plan.emplace_back(stmt.Text(3));  // id, parent, notused, detail
  }
  return plan;
}

}  // namespace pipebridge::core::entities
