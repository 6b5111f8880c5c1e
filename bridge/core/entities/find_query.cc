#include "bridge/core/entities/find_query.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/field_resolver.h"
#include "bridge/core/entities/filter_compiler.h"
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

absl::StatusOr<std::vector<json>> RunFind(sqlite::Connection& c, const Schema& schema,
                                          const FindRequest& request, const FindOptions& options) {
  const std::string& prefix = options.path_prefix;
  PB_ASSIGN_OR_RETURN(const EntityTypeSchema* type, LookupType(schema, request.entity_type, prefix));
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
  FieldResolver resolver(schema, *type);
  RecordReader reader(resolver);
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
  std::string sql = absl::StrCat("SELECT ", reader.SelectList(), " FROM ", resolver.FromClause(),
                                 " WHERE ");
  std::string retired = RetiredCondition(request.retired);
  if (!retired.empty()) absl::StrAppend(&sql, retired, " AND ");
  absl::StrAppend(&sql, where.sql, " ORDER BY ", order, "t.\"id\" ASC");
  if (request.limit > 0) absl::StrAppend(&sql, " LIMIT ? OFFSET ?");

  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql));
  stmt.BindAll(where.params);
  if (request.limit > 0) {
    int next = static_cast<int>(where.params.size()) + 1;
    stmt.BindInt(next, request.limit);
    stmt.BindInt(next + 1, (request.page - 1) * request.limit);
  }
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

}  // namespace pipebridge::core::entities
