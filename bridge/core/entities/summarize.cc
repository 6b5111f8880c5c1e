// EntityStore::Summarize: ShotGrid-style aggregates with nested grouping.
//
// One query per grouping level (level 0 = totals): GROUP BY the first k
// grouping expressions, ordered, then stitched into the ShotGrid tree
// {"summaries": {...}, "groups": [{"group_name", "group_value", "summaries",
// "groups"}]}. Everything is computed by SQLite over the filtered rows.
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/entities/field_resolver.h"
#include "bridge/core/entities/filter_compiler.h"
#include "bridge/core/entities/find_query.h"
#include "bridge/core/entities/record_reader.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

using nlohmann::json;

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

struct Aggregate {
  std::string key;   // Field name in "summaries".
  std::string sql;   // Aggregate expression.
  bool zero_if_null;
};

absl::StatusOr<Aggregate> CompileAggregate(FieldResolver& resolver, const SummaryField& s,
                                           const std::string& path) {
  PB_ASSIGN_OR_RETURN(ColumnRef ref, resolver.Resolve(s.field, absl::StrCat(path, ".field")));
  if (!ref.json_keys.empty()) {
    return Bad(absl::StrCat(path, ".field"), "keys of json fields cannot be summarized or grouped");
  }
  FieldType t = ref.field->type;
  bool numeric = t == FieldType::kNumber || t == FieldType::kFloat;
  bool dated = t == FieldType::kDate || t == FieldType::kDateTime;
  bool link = t == FieldType::kEntity;
  bool multi = t == FieldType::kMultiEntity || t == FieldType::kJson;
  std::string value = link ? ref.LinkId() : multi ? "" : ref.Scalar();
  std::string type_path = absl::StrCat(path, ".type");
  auto not_for = [&]() {
    return Bad(type_path, absl::StrCat("summary \"", s.type, "\" does not apply to ", FieldTypeName(t),
                                       " field ", ref.owner->name, ".", ref.field->name));
  };
  if (s.type == "record_count") return Aggregate{s.field, "COUNT(*)", true};
  if (s.type == "count") {
    if (multi) return not_for();
    return Aggregate{s.field, absl::StrCat("COUNT(", value, ")"), true};
  }
  if (s.type == "count_distinct") {
    if (multi) return not_for();
    if (link) return Aggregate{s.field, absl::StrCat("COUNT(DISTINCT ", ref.LinkType(), " || ':' || ", value, ")"), true};
    return Aggregate{s.field, absl::StrCat("COUNT(DISTINCT ", value, ")"), true};
  }
  if (s.type == "sum") {
    if (!numeric) return not_for();
    return Aggregate{s.field, absl::StrCat("SUM(", value, ")"), true};
  }
  if (s.type == "average") {
    if (!numeric) return not_for();
    return Aggregate{s.field, absl::StrCat("AVG(", value, ")"), false};
  }
  if (s.type == "minimum" || s.type == "maximum") {
    if (multi || link || t == FieldType::kBool) return not_for();
    return Aggregate{s.field, absl::StrCat(s.type == "minimum" ? "MIN(" : "MAX(", value, ")"), false};
  }
  if (s.type == "earliest" || s.type == "latest") {
    if (!dated) return not_for();
    return Aggregate{s.field, absl::StrCat(s.type == "earliest" ? "MIN(" : "MAX(", value, ")"), false};
  }
  if (s.type == "checked" || s.type == "unchecked") {
    if (t != FieldType::kBool) return not_for();
    return Aggregate{s.field, absl::StrCat("SUM(CASE WHEN ", value, s.type == "checked" ? " = 1" : " = 0",
                                           " THEN 1 ELSE 0 END)"), true};
  }
  return Bad(type_path, absl::StrCat("unknown summary type \"", s.type,
                                     "\" (expected record_count, count, count_distinct, sum, average, "
                                     "minimum, maximum, earliest, latest, checked, unchecked)"));
}

struct GroupExpr {
  std::vector<std::string> columns;  // 1 column, or 2 for a link (type, id)
  const FieldSchema* field;
  bool link;
  bool descending;
};

absl::StatusOr<GroupExpr> CompileGrouping(FieldResolver& resolver, const Grouping& g, const std::string& path) {
  PB_ASSIGN_OR_RETURN(ColumnRef ref, resolver.Resolve(g.field, absl::StrCat(path, ".field")));
  if (!ref.json_keys.empty()) {
    return Bad(absl::StrCat(path, ".field"), "keys of json fields cannot be summarized or grouped");
  }
  FieldType t = ref.field->type;
  GroupExpr out{{}, ref.field, t == FieldType::kEntity, false};
  if (g.direction == "desc") {
    out.descending = true;
  } else if (g.direction != "asc" && !g.direction.empty()) {
    return Bad(absl::StrCat(path, ".direction"), absl::StrCat("expected \"asc\" or \"desc\", got \"", g.direction, "\""));
  }
  if (t == FieldType::kMultiEntity || t == FieldType::kJson) {
    return Bad(absl::StrCat(path, ".field"), absl::StrCat("cannot group by a ", FieldTypeName(t), " field"));
  }
  bool dated = t == FieldType::kDate || t == FieldType::kDateTime;
  std::string type_path = absl::StrCat(path, ".type");
  if (g.type == "exact" || g.type.empty()) {
    if (out.link) {
      out.columns = {ref.LinkType(), ref.LinkId()};
    } else {
      out.columns = {ref.Scalar()};
    }
  } else if (g.type == "day" || g.type == "month" || g.type == "year") {
    if (!dated) return Bad(type_path, absl::StrCat("grouping \"", g.type, "\" needs a date or date_time field"));
    int length = g.type == "day" ? 10 : g.type == "month" ? 7 : 4;
    out.columns = {absl::StrCat("substr(", ref.Scalar(), ", 1, ", length, ")")};
  } else {
    return Bad(type_path, absl::StrCat("unknown grouping type \"", g.type, "\" (expected exact, day, month, year)"));
  }
  return out;
}

struct Node {
  json value;
  json summaries = json::object();
  std::vector<std::unique_ptr<Node>> children;
};

std::string GroupName(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) return value.value("name", json()).is_string() ? value["name"].get<std::string>() : "";
  return value.dump();
}

json ToJson(const Node& node) {
  json groups = json::array();
  for (const auto& child : node.children) {
    json g = {{"group_name", GroupName(child->value)}, {"group_value", child->value},
              {"summaries", child->summaries}};
    if (!child->children.empty()) g["groups"] = ToJson(*child)["groups"];
    groups.push_back(std::move(g));
  }
  return {{"summaries", node.summaries}, {"groups", std::move(groups)}};
}

}  // namespace

absl::StatusOr<json> EntityStore::Summarize(const SummarizeRequest& request) const {
  PB_ASSIGN_OR_RETURN(const EntityTypeSchema* type, LookupType(schema_, request.entity_type, ""));
  FieldResolver resolver(schema_, *type);
  PB_ASSIGN_OR_RETURN(SqlCondition where, CompileFilters(resolver, request.filters, request.filter_operator,
                                                         "filters", clock_()));
  std::vector<Aggregate> aggregates;
  for (size_t i = 0; i < request.summary_fields.size(); ++i) {
    std::string path = absl::StrCat("summary_fields[", i, "]");
    PB_ASSIGN_OR_RETURN(Aggregate a, CompileAggregate(resolver, request.summary_fields[i], path));
    for (const Aggregate& seen : aggregates) {
      if (seen.key == a.key) {
        return Bad(absl::StrCat(path, ".field"),
                   absl::StrCat("field \"", a.key, "\" is already summarized (one summary per field)"));
      }
    }
    aggregates.push_back(std::move(a));
  }
  std::vector<GroupExpr> groups;
  for (size_t i = 0; i < request.grouping.size(); ++i) {
    PB_ASSIGN_OR_RETURN(GroupExpr g, CompileGrouping(resolver, request.grouping[i], absl::StrCat("grouping[", i, "]")));
    groups.push_back(std::move(g));
  }
  std::string aggregate_list;
  for (const Aggregate& a : aggregates) absl::StrAppend(&aggregate_list, aggregate_list.empty() ? "" : ", ", a.sql);
  if (aggregate_list.empty()) aggregate_list = "COUNT(*)";
  std::string retired = RetiredCondition(request.retired);
  std::string where_sql = absl::StrCat(retired, retired.empty() ? "" : " AND ", where.sql);

  Node root;
  PB_RETURN_IF_ERROR(database_->Read([&](sqlite::Connection& c) -> absl::Status {
    std::vector<json*> links;
    std::map<std::string, Node*> parents = {{"[]", &root}};
    for (size_t level = 0; level <= groups.size(); ++level) {
      std::vector<std::string> key_columns, order;
      for (size_t g = 0; g < level; ++g) {
        for (const std::string& col : groups[g].columns) {
          key_columns.push_back(col);
          order.push_back(absl::StrCat(col, groups[g].descending ? " DESC" : " ASC"));
        }
      }
      std::string sql = absl::StrCat("SELECT ", absl::StrJoin(key_columns, ", "), key_columns.empty() ? "" : ", ",
                                     aggregate_list, " FROM ", resolver.FromClause(), " WHERE ", where_sql);
      if (level > 0) {
        absl::StrAppend(&sql, " GROUP BY ", absl::StrJoin(key_columns, ", "), " ORDER BY ", absl::StrJoin(order, ", "));
      }
      PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql));
      stmt.BindAll(where.params);
      std::map<std::string, Node*> next;
      while (true) {
        PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        json key = json::array();
        int col = 0;
        json value;
        for (size_t g = 0; g < level; ++g) {
          if (groups[g].link) {
            value = stmt.IsNull(col + 1) ? json(nullptr)
                                         : json{{"type", std::string(stmt.Text(col))}, {"id", stmt.Int(col + 1)}};
            col += 2;
          } else {
            sqlite::Value v = stmt.ColumnValue(col);
            if (groups[g].field->type == FieldType::kBool) {
              value = std::holds_alternative<int64_t>(v) && std::get<int64_t>(v) != 0;
            } else if (std::holds_alternative<int64_t>(v)) {
              value = std::get<int64_t>(v);
            } else if (std::holds_alternative<double>(v)) {
              value = std::get<double>(v);
            } else if (std::holds_alternative<std::string>(v)) {
              value = std::get<std::string>(v);
            } else {
              value = nullptr;
            }
            col += 1;
          }
          key.push_back(value);
        }
        json summaries = json::object();
        for (size_t a = 0; a < aggregates.size(); ++a, ++col) {
          sqlite::Value v = stmt.ColumnValue(col);
          json out = nullptr;
          if (std::holds_alternative<int64_t>(v)) out = std::get<int64_t>(v);
          if (std::holds_alternative<double>(v)) out = std::get<double>(v);
          if (std::holds_alternative<std::string>(v)) out = std::get<std::string>(v);
          if (out.is_null() && aggregates[a].zero_if_null) out = 0;
          summaries[aggregates[a].key] = std::move(out);
        }
        if (level == 0) {
          root.summaries = std::move(summaries);
          continue;
        }
        json parent_key = key;
        parent_key.erase(parent_key.size() - 1);
        auto parent = parents.find(parent_key.dump());
        if (parent == parents.end()) continue;
        auto node = std::make_unique<Node>();
        node->value = value;
        node->summaries = std::move(summaries);
        next[key.dump()] = node.get();
        parent->second->children.push_back(std::move(node));
      }
      if (level > 0) parents = std::move(next);
    }
    // Link group values get their names.
    std::vector<Node*> stack = {&root};
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      if (n->value.is_object()) links.push_back(&n->value);
      for (auto& child : n->children) stack.push_back(child.get());
    }
    return FillLinkNames(c, schema_, links);
  }));
  return ToJson(root);
}

}  // namespace pipebridge::core::entities
