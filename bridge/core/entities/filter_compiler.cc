#include "bridge/core/entities/filter_compiler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/entities/value_codec.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

using nlohmann::json;

enum class Relation {
  kIs, kIsNot, kIn, kNotIn, kContains, kNotContains, kStartsWith, kEndsWith,
  kLessThan, kGreaterThan, kBetween, kNotBetween, kInLast, kInNext, kTypeIs, kTypeIsNot,
  kNameIs, kNameContains, kNameNotContains, kNameStartsWith, kNameEndsWith,
};

std::optional<Relation> ParseRelation(absl::string_view name) {
  static const std::pair<absl::string_view, Relation> kNames[] = {
      {"is", Relation::kIs},
      {"is_not", Relation::kIsNot},
      {"in", Relation::kIn},
      {"not_in", Relation::kNotIn},
      {"contains", Relation::kContains},
      {"not_contains", Relation::kNotContains},
      {"starts_with", Relation::kStartsWith},
      {"ends_with", Relation::kEndsWith},
      {"less_than", Relation::kLessThan},
      {"greater_than", Relation::kGreaterThan},
      {"between", Relation::kBetween},
      {"not_between", Relation::kNotBetween},
      {"in_last", Relation::kInLast},
      {"in_next", Relation::kInNext},
      {"type_is", Relation::kTypeIs},
      {"type_is_not", Relation::kTypeIsNot},
      {"name_is", Relation::kNameIs},
      {"name_contains", Relation::kNameContains},
      {"name_not_contains", Relation::kNameNotContains},
      {"name_starts_with", Relation::kNameStartsWith},
      {"name_ends_with", Relation::kNameEndsWith},
  };
  for (const auto& [n, r] : kNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

std::string LikeEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

json ValueToJson(const sqlite::Value& v) {
  if (std::holds_alternative<int64_t>(v)) return std::get<int64_t>(v);
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return nullptr;
}

struct Operand {
  const json* value;
  std::string path;
};

class Compiler {
 public:
  Compiler(FieldResolver& resolver, absl::Time now) : resolver_(resolver), now_(now) {}

  // `top`: the group is the request's own filters (or its top-level group),
  // so with "all" every row must pass each of its filters.
  absl::StatusOr<std::string> Group(const json& filters, bool any, const std::string& path,
                                    bool top = false) {
    if (!filters.is_array()) {
      return Bad(path, absl::StrCat("expected a list of filters, got ", DescribeJson(filters)));
    }
    std::vector<std::string> parts;
    for (size_t i = 0; i < filters.size(); ++i) {
      next_is_conjunct_ = top && !any;
      PB_ASSIGN_OR_RETURN(std::string part, One(filters[i], absl::StrCat(path, "[", i, "]")));
      parts.push_back(std::move(part));
    }
    if (parts.empty()) return std::string("1");
    if (parts.size() == 1) return parts[0];
    return absl::StrCat("(", absl::StrJoin(parts, any ? " OR " : " AND "), ")");
  }

  absl::StatusOr<std::string> Nested(const json& group, const std::string& path, bool top = false) {
    std::string op = "all";
    for (const auto& [key, value] : group.items()) {
      if (key == "filter_operator") {
        if (!value.is_string() || (value != "any" && value != "all")) {
          return Bad(absl::StrCat(path, ".filter_operator"),
                     absl::StrCat("expected \"any\" or \"all\", got ",
                                  value.is_string() ? absl::StrCat("\"", value.get<std::string>(), "\"")
                                                    : DescribeJson(value)));
        }
        op = value.get<std::string>();
      } else if (key != "filters") {
        return Bad(absl::StrCat(path, ".", key),
                   "unknown key in a filter group (expected filter_operator, filters)");
      }
    }
    auto filters = group.find("filters");
    if (filters == group.end()) return Bad(path, "a filter group needs \"filters\"");
    return Group(*filters, op == "any", absl::StrCat(path, ".filters"), top);
  }

  std::vector<sqlite::Value> TakeParams() { return std::move(params_); }
  std::vector<Conjunct> TakeOwn() { return std::move(own_); }
  std::vector<Conjunct> TakeLinked() { return std::move(linked_); }
  std::optional<int64_t> project_id() const { return project_id_; }

 private:
  struct Site {
    const ColumnRef& ref;
    Relation relation;
    const std::string& relation_name;
    const std::string& relation_path;
    const std::string& path;
  };

  std::string P(sqlite::Value v) {
    params_.push_back(std::move(v));
    return "?";
  }

  absl::StatusOr<std::string> One(const json& filter, const std::string& path) {
    bool conjunct = next_is_conjunct_;
    next_is_conjunct_ = false;  // Filters nested in this one are not conjuncts of the request.
    if (filter.is_object()) return Nested(filter, path);
    if (!filter.is_array()) {
      return Bad(path, absl::StrCat("expected a filter [field, relation, value] or "
                                    "{\"filter_operator\":...,\"filters\":[...]}, got ",
                                    DescribeJson(filter)));
    }
    if (filter.size() < 3) return Bad(path, "expected a filter [field, relation, value]");
    if (!filter[0].is_string()) {
      return Bad(absl::StrCat(path, "[0]"), absl::StrCat("expected a field name, got ", DescribeJson(filter[0])));
    }
    std::string relation_path = absl::StrCat(path, "[1]");
    if (!filter[1].is_string()) {
      return Bad(relation_path, absl::StrCat("expected a relation, got ", DescribeJson(filter[1])));
    }
    const std::string& relation_name = filter[1].get_ref<const std::string&>();
    std::optional<Relation> relation = ParseRelation(relation_name);
    if (!relation) return Bad(relation_path, absl::StrCat("unknown relation \"", relation_name, "\""));
    PB_ASSIGN_OR_RETURN(ColumnRef ref, resolver_.Resolve(filter[0].get<std::string>(), absl::StrCat(path, "[0]")));

    // Operands: either filter[2..] or, when filter[2] is the only operand and a
    // list, its elements (for in/between/in_last).
    std::vector<Operand> operands;
    for (size_t i = 2; i < filter.size(); ++i) operands.push_back({&filter[i], absl::StrCat(path, "[", i, "]")});
    Site site{ref, *relation, relation_name, relation_path, path};
    size_t first_param = params_.size();
    absl::StatusOr<std::string> sql = Leaf(site, operands);
    if (sql.ok() && conjunct) NoteConjunct(site, operands, *sql, first_param);
    return sql;
  }

  absl::StatusOr<std::string> Leaf(const Site& site, const std::vector<Operand>& operands) {
    if (!site.ref.json_keys.empty()) return JsonKeyCondition(site, operands);
    switch (site.ref.field->type) {
      case FieldType::kEntity:
        return EntityCondition(site, operands);
      case FieldType::kMultiEntity:
        return MultiEntityCondition(site, operands);
      case FieldType::kJson:
        return JsonCondition(site, operands);
      default:
        return ScalarCondition(site, operands);
    }
  }

  // Records what join_order.h needs about a filter every row must pass.
  void NoteConjunct(const Site& s, const std::vector<Operand>& ops, const std::string& sql, size_t first_param) {
    const ColumnRef& ref = s.ref;
    if (!ref.json_keys.empty() || (ref.dotted && ref.via_alias != "t")) return;
    bool entity = ref.field->type == FieldType::kEntity;
    // An in-list of links is compared as row values, which no index search answers.
    if (s.relation != Relation::kIs && (s.relation != Relation::kIn || entity)) return;
    // A null operand also matches rows with no link at all.
    for (const Operand& op : s.relation == Relation::kIn ? Spread(ops) : ops) {
      if (op.value->is_null()) return;
    }
    if (ref.field->name != "id" && !HasLeadingIndex(*ref.owner, *ref.field)) return;
    Conjunct conjunct{ref.alias, ref.owner, ref.field, ref.dotted ? ref.via_link : nullptr, sql,
                      std::vector<sqlite::Value>(params_.begin() + static_cast<std::ptrdiff_t>(first_param),
                                                 params_.end())};
    if (ref.dotted) {
      linked_.push_back(std::move(conjunct));
      return;
    }
    // EntityCondition binds the link's id first.
    if (entity && s.relation == Relation::kIs && ref.field == ProjectLink(*ref.owner) &&
        std::holds_alternative<int64_t>(conjunct.params[0])) {
      project_id_ = std::get<int64_t>(conjunct.params[0]);
    }
    own_.push_back(std::move(conjunct));
  }

  absl::Status NotApplicable(const Site& s) {
    return Bad(s.relation_path, absl::StrCat("relation \"", s.relation_name, "\" does not apply to ",
                                             FieldTypeName(s.ref.field->type), " field ",
                                             s.ref.owner->name, ".", s.ref.field->name));
  }

  // Expands [x, "in", [a, b]] and [x, "in", a, b] to the list of operands.
  static std::vector<Operand> Spread(const std::vector<Operand>& operands) {
    if (operands.size() == 1 && operands[0].value->is_array()) {
      std::vector<Operand> out;
      for (size_t i = 0; i < operands[0].value->size(); ++i) {
        out.push_back({&(*operands[0].value)[i], absl::StrCat(operands[0].path, "[", i, "]")});
      }
      return out;
    }
    return operands;
  }

  absl::Status ExpectOne(const Site& s, const std::vector<Operand>& operands) {
    if (operands.size() != 1) {
      return Bad(s.path, absl::StrCat("relation \"", s.relation_name, "\" takes exactly one value"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::pair<sqlite::Value, sqlite::Value>> Range(const Site& s,
                                                                const std::vector<Operand>& raw) {
    std::vector<Operand> ops = Spread(raw);
    if (ops.size() != 2) {
      return Bad(s.path, absl::StrCat("relation \"", s.relation_name, "\" takes two values [low, high]"));
    }
    PB_ASSIGN_OR_RETURN(sqlite::Value low, FilterScalar(*s.ref.field, *ops[0].value, ops[0].path));
    PB_ASSIGN_OR_RETURN(sqlite::Value high, FilterScalar(*s.ref.field, *ops[1].value, ops[1].path));
    return std::make_pair(std::move(low), std::move(high));
  }

  // in_last / in_next bounds as stored strings for a date or date_time field.
  absl::StatusOr<std::pair<std::string, std::string>> RelativeRange(const Site& s,
                                                                    const std::vector<Operand>& raw) {
    std::vector<Operand> ops = Spread(raw);
    if (ops.size() != 2) {
      return Bad(s.path, absl::StrCat("relation \"", s.relation_name,
                                      "\" takes a count and a unit, e.g. [7, \"DAY\"]"));
    }
    if (!ops[0].value->is_number_integer() || ops[0].value->get<int64_t>() < 0) {
      return Bad(ops[0].path, absl::StrCat("expected a non-negative integer, got ", DescribeJson(*ops[0].value)));
    }
    int64_t n = ops[0].value->get<int64_t>();
    if (n > 100000) return Bad(ops[0].path, "count is too large");
    std::string unit = ops[1].value->is_string() ? ops[1].value->get<std::string>() : "";
    bool last = s.relation == Relation::kInLast;
    absl::TimeZone utc = absl::UTCTimeZone();
    absl::CivilSecond now = absl::ToCivilSecond(now_, utc);
    absl::CivilSecond other;
    int64_t sign = last ? -1 : 1;
    if (unit == "HOUR") {
      other = now + sign * n * 3600;
    } else if (unit == "DAY") {
      other = now + sign * n * 86400;
    } else if (unit == "WEEK") {
      other = now + sign * n * 7 * 86400;
    } else if (unit == "MONTH") {
      other = absl::CivilSecond(now.year(), now.month() + sign * n, now.day(), now.hour(),
                                now.minute(), now.second());
    } else if (unit == "YEAR") {
      other = absl::CivilSecond(now.year() + sign * n, now.month(), now.day(), now.hour(),
                                now.minute(), now.second());
    } else {
      return Bad(ops[1].path, absl::StrCat("expected a unit HOUR, DAY, WEEK, MONTH or YEAR, got ",
                                           ops[1].value->is_string()
                                               ? absl::StrCat("\"", unit, "\"")
                                               : DescribeJson(*ops[1].value)));
    }
    absl::Time a = absl::FromCivil(last ? other : now, utc);
    absl::Time b = absl::FromCivil(last ? now : other, utc);
    if (s.ref.field->type == FieldType::kDate) return std::make_pair(FormatDate(a), FormatDate(b));
    return std::make_pair(FormatDateTime(a), FormatDateTime(b));
  }

  // contains, not_contains, starts_with, ends_with on `col` as one LIKE pattern.
  std::string LikeCondition(const Site& s, const std::string& col, const std::string& value) {
    std::string text = LikeEscape(value);
    std::string pattern = s.relation == Relation::kStartsWith ? absl::StrCat(text, "%")
                          : s.relation == Relation::kEndsWith ? absl::StrCat("%", text)
                                                              : absl::StrCat("%", text, "%");
    if (s.relation == Relation::kNotContains) {
      return absl::StrCat("(", col, " IS NULL OR ", col, " NOT LIKE ", P(pattern), " ESCAPE '\\')");
    }
    return absl::StrCat(col, " LIKE ", P(pattern), " ESCAPE '\\'");
  }

  absl::StatusOr<std::string> ScalarCondition(const Site& s, const std::vector<Operand>& ops) {
    const FieldSchema& f = *s.ref.field;
    std::string col = s.ref.Scalar();
    bool textual = f.type == FieldType::kText || f.type == FieldType::kList;
    bool dated = f.type == FieldType::kDate || f.type == FieldType::kDateTime;
    switch (s.relation) {
      case Relation::kIs:
      case Relation::kIsNot: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        bool is = s.relation == Relation::kIs;
        if (ops[0].value->is_null()) return absl::StrCat(col, is ? " IS NULL" : " IS NOT NULL");
        PB_ASSIGN_OR_RETURN(sqlite::Value v, FilterScalar(f, *ops[0].value, ops[0].path));
        return absl::StrCat(col, is ? " = " : " IS NOT ", P(std::move(v)));
      }
      case Relation::kIn:
      case Relation::kNotIn: {
        bool in = s.relation == Relation::kIn;
        json list = json::array();
        bool with_null = false;
        for (const Operand& op : Spread(ops)) {
          if (op.value->is_null()) {
            with_null = true;
            continue;
          }
          PB_ASSIGN_OR_RETURN(sqlite::Value v, FilterScalar(f, *op.value, op.path));
          list.push_back(ValueToJson(v));
        }
        std::string set = absl::StrCat("(SELECT value FROM json_each(", P(list.dump()), "))");
        if (in) {
          return with_null ? absl::StrCat("(", col, " IN ", set, " OR ", col, " IS NULL)")
                           : absl::StrCat(col, " IN ", set);
        }
        return with_null ? absl::StrCat("(", col, " IS NOT NULL AND ", col, " NOT IN ", set, ")")
                         : absl::StrCat("(", col, " IS NULL OR ", col, " NOT IN ", set, ")");
      }
      case Relation::kContains:
      case Relation::kNotContains:
      case Relation::kStartsWith:
      case Relation::kEndsWith: {
        if (!textual) return NotApplicable(s);
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        PB_ASSIGN_OR_RETURN(sqlite::Value v, FilterScalar(f, *ops[0].value, ops[0].path));
        return LikeCondition(s, col, std::get<std::string>(v));
      }
      case Relation::kLessThan:
      case Relation::kGreaterThan: {
        if (f.type == FieldType::kBool) return NotApplicable(s);
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        PB_ASSIGN_OR_RETURN(sqlite::Value v, FilterScalar(f, *ops[0].value, ops[0].path));
        return absl::StrCat(col, s.relation == Relation::kLessThan ? " < " : " > ", P(std::move(v)));
      }
      case Relation::kBetween:
      case Relation::kNotBetween: {
        if (f.type == FieldType::kBool) return NotApplicable(s);
        PB_ASSIGN_OR_RETURN(auto range, Range(s, ops));
        if (s.relation == Relation::kBetween) {
          P(std::move(range.first));
          P(std::move(range.second));
          return absl::StrCat(col, " BETWEEN ? AND ?");
        }
        P(std::move(range.first));
        P(std::move(range.second));
        return absl::StrCat("(", col, " IS NULL OR ", col, " NOT BETWEEN ? AND ?)");
      }
      case Relation::kInLast:
      case Relation::kInNext: {
        if (!dated) return NotApplicable(s);
        PB_ASSIGN_OR_RETURN(auto range, RelativeRange(s, ops));
        P(range.first);
        P(range.second);
        return absl::StrCat(col, " BETWEEN ? AND ?");
      }
      default:
        return NotApplicable(s);
    }
  }

  absl::StatusOr<std::string> JsonCondition(const Site& s, const std::vector<Operand>& ops) {
    if (s.relation != Relation::kIs && s.relation != Relation::kIsNot) return NotApplicable(s);
    PB_RETURN_IF_ERROR(ExpectOne(s, ops));
    if (!ops[0].value->is_null()) {
      return Bad(ops[0].path, "json fields can only be compared with null");
    }
    return absl::StrCat(s.ref.Scalar(), s.relation == Relation::kIs ? " IS NULL" : " IS NOT NULL");
  }

  // A value inside a json field ("metadata.renderer"): compared as SQLite's json_extract
  // gives it (text, integer, real; true/false as 1/0; missing and null as NULL).
  absl::StatusOr<sqlite::Value> JsonKeyOperand(const Operand& op) {
    const json& v = *op.value;
    if (v.is_string()) return sqlite::Value(v.get<std::string>());
    if (v.is_boolean()) return sqlite::Value(int64_t{v.get<bool>() ? 1 : 0});
    if (v.is_number_integer() || v.is_number_unsigned()) return sqlite::Value(v.get<int64_t>());
    if (v.is_number()) return sqlite::Value(v.get<double>());
    return Bad(op.path, absl::StrCat("expected a string, number or boolean to compare a json key with, got ",
                                     DescribeJson(v)));
  }

  absl::StatusOr<std::string> JsonKeyCondition(const Site& s, const std::vector<Operand>& ops) {
    const std::string col = s.ref.JsonValue();
    switch (s.relation) {
      case Relation::kIs:
      case Relation::kIsNot: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        bool is = s.relation == Relation::kIs;
        if (ops[0].value->is_null()) return absl::StrCat(col, is ? " IS NULL" : " IS NOT NULL");
        PB_ASSIGN_OR_RETURN(sqlite::Value v, JsonKeyOperand(ops[0]));
        return absl::StrCat(col, is ? " = " : " IS NOT ", P(std::move(v)));
      }
      case Relation::kIn:
      case Relation::kNotIn: {
        std::vector<std::string> placeholders;
        for (const Operand& op : Spread(ops)) {
          PB_ASSIGN_OR_RETURN(sqlite::Value v, JsonKeyOperand(op));
          placeholders.push_back(P(std::move(v)));
        }
        if (placeholders.empty()) return std::string(s.relation == Relation::kIn ? "0" : "1");
        std::string set = absl::StrCat("(", absl::StrJoin(placeholders, ", "), ")");
        return s.relation == Relation::kIn
                   ? absl::StrCat(col, " IN ", set)
                   : absl::StrCat("(", col, " IS NULL OR ", col, " NOT IN ", set, ")");
      }
      case Relation::kContains:
      case Relation::kNotContains:
      case Relation::kStartsWith:
      case Relation::kEndsWith: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        if (!ops[0].value->is_string()) {
          return Bad(ops[0].path, absl::StrCat("relation \"", s.relation_name, "\" takes a string, got ",
                                               DescribeJson(*ops[0].value)));
        }
        return LikeCondition(s, col, ops[0].value->get<std::string>());
      }
      case Relation::kLessThan:
      case Relation::kGreaterThan: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        PB_ASSIGN_OR_RETURN(sqlite::Value v, JsonKeyOperand(ops[0]));
        return absl::StrCat(col, s.relation == Relation::kLessThan ? " < " : " > ", P(std::move(v)));
      }
      case Relation::kBetween:
      case Relation::kNotBetween: {
        std::vector<Operand> range = Spread(ops);
        if (range.size() != 2) {
          return Bad(s.path, absl::StrCat("relation \"", s.relation_name, "\" takes two values [low, high]"));
        }
        PB_ASSIGN_OR_RETURN(sqlite::Value low, JsonKeyOperand(range[0]));
        PB_ASSIGN_OR_RETURN(sqlite::Value high, JsonKeyOperand(range[1]));
        P(std::move(low));  // parameters bind in the order the placeholders appear
        P(std::move(high));
        const std::string between = " BETWEEN ? AND ?";
        return s.relation == Relation::kBetween
                   ? absl::StrCat(col, between)
                   : absl::StrCat("(", col, " IS NULL OR NOT (", col, between, "))");
      }
      default:
        return Bad(s.relation_path, absl::StrCat("relation \"", s.relation_name,
                                                 "\" does not apply to a json key"));
    }
  }

  // Link values of an in/not_in list as one JSON array parameter.
  absl::StatusOr<std::string> LinkSet(const Site& s, const std::vector<Operand>& ops, bool* with_null) {
    json list = json::array();
    for (const Operand& op : Spread(ops)) {
      if (op.value->is_null()) {
        *with_null = true;
        continue;
      }
      PB_ASSIGN_OR_RETURN(Link link, ParseLink(*op.value, resolver_.schema(), s.ref.field, op.path));
      list.push_back({{"type", link.type}, {"id", link.id}});
    }
    return absl::StrCat("(SELECT json_extract(value, '$.type'), json_extract(value, '$.id') FROM json_each(",
                        P(list.dump()), "))");
  }

  absl::StatusOr<std::string> TypeName(const Operand& op) {
    if (!op.value->is_string() || resolver_.schema().FindType(op.value->get<std::string>()) == nullptr) {
      return Bad(op.path, op.value->is_string()
                              ? absl::StrCat("unknown entity type \"", op.value->get<std::string>(), "\"")
                              : absl::StrCat("expected an entity type name, got ", DescribeJson(*op.value)));
    }
    return op.value->get<std::string>();
  }

  // Ids of linked entities whose name field matches, per allowed link type:
  // "(lt = 'Shot' AND li IN (SELECT id FROM e_Shot WHERE name LIKE ?)) OR ...".
  absl::StatusOr<std::string> NameMatch(const Site& s, const std::vector<Operand>& ops,
                                        const std::string& type_col, const std::string& id_col) {
    PB_RETURN_IF_ERROR(ExpectOne(s, ops));
    if (!ops[0].value->is_string()) {
      return Bad(ops[0].path, absl::StrCat("expected a string, got ", DescribeJson(*ops[0].value)));
    }
    std::string text = ops[0].value->get<std::string>();
    std::string op = " LIKE ";
    std::string pattern;
    switch (s.relation) {
      case Relation::kNameIs: op = " = "; pattern = text; break;
      case Relation::kNameStartsWith: pattern = absl::StrCat(LikeEscape(text), "%"); break;
      case Relation::kNameEndsWith: pattern = absl::StrCat("%", LikeEscape(text)); break;
      default: pattern = absl::StrCat("%", LikeEscape(text), "%"); break;
    }
    std::string escape = op == " LIKE " ? " ESCAPE '\\'" : "";
    std::vector<std::string> parts;
    for (const EntityTypeSchema& type : resolver_.schema().types()) {
      if (!s.ref.field->AllowsLinkTo(type.name)) continue;
      const FieldSchema* name = type.FindField(type.name_field);
      parts.push_back(absl::StrCat("(", type_col, " = ", IdentifierLiteral(type.name), " AND ", id_col,
                                   " IN (SELECT id FROM ", TableName(type.name), " WHERE ",
                                   ScalarColumn(*name), op, P(pattern), escape, "))"));
    }
    std::string any = parts.empty() ? "0" : absl::StrCat("(", absl::StrJoin(parts, " OR "), ")");
    if (s.relation == Relation::kNameNotContains) return absl::StrCat("NOT ", any);
    return any;
  }

  absl::StatusOr<std::string> EntityCondition(const Site& s, const std::vector<Operand>& ops) {
    std::string type_col = s.ref.LinkType();
    std::string id_col = s.ref.LinkId();
    switch (s.relation) {
      case Relation::kIs:
      case Relation::kIsNot: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        bool is = s.relation == Relation::kIs;
        if (ops[0].value->is_null()) return absl::StrCat(id_col, is ? " IS NULL" : " IS NOT NULL");
        PB_ASSIGN_OR_RETURN(Link link, ParseLink(*ops[0].value, resolver_.schema(), s.ref.field, ops[0].path));
        P(link.id);
        P(link.type);
        if (is) return absl::StrCat("(", id_col, " = ? AND ", type_col, " = ?)");
        return absl::StrCat("NOT (", id_col, " IS ? AND ", type_col, " IS ?)");
      }
      case Relation::kIn:
      case Relation::kNotIn: {
        bool with_null = false;
        PB_ASSIGN_OR_RETURN(std::string set, LinkSet(s, ops, &with_null));
        std::string pair = absl::StrCat("(", type_col, ", ", id_col, ")");
        if (s.relation == Relation::kIn) {
          return with_null ? absl::StrCat("(", pair, " IN ", set, " OR ", id_col, " IS NULL)")
                           : absl::StrCat(pair, " IN ", set);
        }
        return with_null ? absl::StrCat("(", id_col, " IS NOT NULL AND ", pair, " NOT IN ", set, ")")
                         : absl::StrCat("(", id_col, " IS NULL OR ", pair, " NOT IN ", set, ")");
      }
      case Relation::kTypeIs:
      case Relation::kTypeIsNot: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        bool is = s.relation == Relation::kTypeIs;
        if (ops[0].value->is_null()) return absl::StrCat(id_col, is ? " IS NULL" : " IS NOT NULL");
        PB_ASSIGN_OR_RETURN(std::string type, TypeName(ops[0]));
        return absl::StrCat(type_col, is ? " = " : " IS NOT ", P(type));
      }
      case Relation::kNameIs:
      case Relation::kNameContains:
      case Relation::kNameNotContains:
      case Relation::kNameStartsWith:
      case Relation::kNameEndsWith:
        return NameMatch(s, ops, type_col, id_col);
      default:
        return NotApplicable(s);
    }
  }

  absl::StatusOr<std::string> MultiEntityCondition(const Site& s, const std::vector<Operand>& ops) {
    // Ids of rows of the owner type with at least one link matching `where`.
    std::string base = absl::StrCat("SELECT m.src_id FROM pb_multi_links AS m WHERE m.src_type = ",
                                    IdentifierLiteral(s.ref.owner->name),
                                    " AND m.field = ", IdentifierLiteral(s.ref.field->name));
    std::string id = s.ref.Id();
    auto having = [&](const std::string& where, bool negate) {
      return absl::StrCat(id, negate ? " NOT IN (" : " IN (", base, where, ")");
    };
    switch (s.relation) {
      case Relation::kIs:
      case Relation::kIsNot:
      case Relation::kContains:
      case Relation::kNotContains: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        bool positive = s.relation == Relation::kIs || s.relation == Relation::kContains;
        if (ops[0].value->is_null()) return having("", positive);  // "is null": no links at all
        PB_ASSIGN_OR_RETURN(Link link, ParseLink(*ops[0].value, resolver_.schema(), s.ref.field, ops[0].path));
        P(link.type);
        P(link.id);
        std::string where = " AND m.dst_type = ? AND m.dst_id = ?";
        return having(where, !positive);
      }
      case Relation::kIn:
      case Relation::kNotIn: {
        bool with_null = false;
        PB_ASSIGN_OR_RETURN(std::string set, LinkSet(s, ops, &with_null));
        std::string cond = having(absl::StrCat(" AND (m.dst_type, m.dst_id) IN ", set), s.relation == Relation::kNotIn);
        if (!with_null) return cond;
        std::string empty = having("", s.relation == Relation::kIn);
        return absl::StrCat("(", cond, s.relation == Relation::kIn ? " OR " : " AND ", empty, ")");
      }
      case Relation::kTypeIs:
      case Relation::kTypeIsNot: {
        PB_RETURN_IF_ERROR(ExpectOne(s, ops));
        PB_ASSIGN_OR_RETURN(std::string type, TypeName(ops[0]));
        return having(absl::StrCat(" AND m.dst_type = ", P(type)), s.relation == Relation::kTypeIsNot);
      }
      case Relation::kNameIs:
      case Relation::kNameContains:
      case Relation::kNameNotContains:
      case Relation::kNameStartsWith:
      case Relation::kNameEndsWith: {
        Site positive = s;
        if (s.relation == Relation::kNameNotContains) positive.relation = Relation::kNameContains;
        PB_ASSIGN_OR_RETURN(std::string match, NameMatch(positive, ops, "m.dst_type", "m.dst_id"));
        return having(absl::StrCat(" AND ", match), s.relation == Relation::kNameNotContains);
      }
      default:
        return NotApplicable(s);
    }
  }

  FieldResolver& resolver_;
  absl::Time now_;
  std::vector<sqlite::Value> params_;
  bool next_is_conjunct_ = false;  // The next filter One() compiles is a top-level "all" filter.
  std::vector<Conjunct> own_;
  std::vector<Conjunct> linked_;
  std::optional<int64_t> project_id_;
};

}  // namespace

absl::StatusOr<SqlCondition> CompileFilters(FieldResolver& resolver, const json& filters,
                                            absl::string_view filter_operator,
                                            const std::string& path, absl::Time now) {
  Compiler compiler(resolver, now);
  std::string sql;
  if (filters.is_null()) {
    sql = "1";
  } else if (filters.is_object()) {
    PB_ASSIGN_OR_RETURN(sql, compiler.Nested(filters, path, /*top=*/true));
  } else {
    if (!filter_operator.empty() && filter_operator != "all" && filter_operator != "any") {
      return Bad("filter_operator", absl::StrCat("expected \"any\" or \"all\", got \"", filter_operator, "\""));
    }
    PB_ASSIGN_OR_RETURN(sql, compiler.Group(filters, filter_operator == "any", path, /*top=*/true));
  }
  return SqlCondition{std::move(sql), compiler.TakeParams(), compiler.TakeOwn(), compiler.TakeLinked(),
                      compiler.project_id()};
}

}  // namespace pipebridge::core::entities
