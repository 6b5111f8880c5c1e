// Compiles ShotGrid filter syntax into a parameterised SQL condition.
//
// Accepted forms (path names in errors follow the same shape):
//   [[field, relation, value], ...]                    top-level list, joined by
//                                                      the request's filter_operator
//   {"filter_operator": "any"|"all", "filters": [...]}  nested group, anywhere
//   [field, "in", [a, b]]  or  [field, "in", a, b]      multi-value relations
//   [field, "between", [lo, hi]] or [field, "between", lo, hi]
//   [field, "in_last", 7, "DAY"] or [field, "in_last", [7, "DAY"]]
// Relations: is, is_not, in, not_in, contains, not_contains, starts_with,
// ends_with, less_than, greater_than, between, not_between, in_last, in_next
// (units HOUR, DAY, WEEK, MONTH, YEAR), type_is, type_is_not, and for links
// name_is, name_contains, name_not_contains, name_starts_with, name_ends_with.
// Fields may be dotted through single links: "entity.Shot.sg_sequence".
//
// Every value is bound as a parameter; lists are bound as one JSON array and
// expanded with json_each so statements stay cacheable and indexes usable.
// Text matching (contains, starts_with, ...) is case-insensitive for ASCII
// like ShotGrid's; is/in on text are exact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/core/entities/field_resolver.h"
#include "bridge/core/sqlite/statement.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

// A filter every found row must pass (a top-level one joined by "all"),
// compared by is (not null) or in (without null) on a field that an index
// search answers: one of the found type's own fields (["code", "is", "sh010"])
// or a field of a record one link away (["sg_sequence.Sequence.code", "is",
// "sq7"]). join_order.h chooses the table a Find reads first from these. Such
// a filter never matches a row whose link is empty, so an inner join from the
// linked table finds the same rows as the LEFT JOIN.
struct Conjunct {
  std::string alias;                        // "t", or the linked record's join ("j1")
  const EntityTypeSchema* owner = nullptr;  // Shot, or the linked type (Sequence)
  const FieldSchema* field = nullptr;       // code
  const FieldSchema* link = nullptr;        // Linked only: the root's link followed (sg_sequence)
  std::string sql;                          // The condition; refers to `alias` only
  std::vector<sqlite::Value> params;
};

struct SqlCondition {
  std::string sql;  // "1" when there is no condition
  std::vector<sqlite::Value> params;
  std::vector<Conjunct> own;
  std::vector<Conjunct> linked;
  // The project id a top-level ["project", "is", link] filter names.
  std::optional<int64_t> project_id;
};

// `filters` is a list or a {"filter_operator","filters"} object;
// `filter_operator` ("all" or "any", empty = "all") joins a top-level list.
// `path` names the filters in the request ("filters", "requests[2].filters").
// `now` anchors in_last/in_next.
absl::StatusOr<SqlCondition> CompileFilters(FieldResolver& resolver, const nlohmann::json& filters,
                                            absl::string_view filter_operator,
                                            const std::string& path, absl::Time now);

}  // namespace pipebridge::core::entities
