// Field values between ShotGrid-shaped JSON and SQLite storage.
//
// Every function names the offending element by `path` (the location in the
// caller's request, e.g. "data.sg_sequence" or "filters[2][2]").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/entities/field_schema.h"
#include "bridge/core/sqlite/statement.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

struct Link {
  std::string type;
  int64_t id = 0;
};

// "a string", "an object", "null", ... for error messages.
std::string DescribeJson(const nlohmann::json& value);

// {"type": "Shot", "id": 42} (a "name" key is accepted and ignored). Checks
// that the type exists in `schema` and that `field` (when given) allows it.
absl::StatusOr<Link> ParseLink(const nlohmann::json& value, const Schema& schema,
                               const FieldSchema* field, absl::string_view path);

// Validates a value written to `field` and returns its canonical JSON form:
// what a read decodes once it is stored (dates normalised, integers signed,
// null for bool becomes false, multi_entity null becomes [] and loses
// duplicates, links lose "name"); Create returns it and updates compare with
// it. List values are checked against valid_values.
absl::StatusOr<nlohmann::json> NormalizeFieldValue(const FieldSchema& field,
                                                   const nlohmann::json& value,
                                                   const Schema& schema, absl::string_view path);

// A scalar compared with a field in a filter: the SQL value to bind. For
// kList no valid_values check (filtering on an unknown status matches nothing).
absl::StatusOr<sqlite::Value> FilterScalar(const FieldSchema& field, const nlohmann::json& value,
                                           absl::string_view path);

// Storage value of a normalized scalar (not entity/multi_entity).
sqlite::Value ScalarToSql(const FieldSchema& field, const nlohmann::json& normalized);
// JSON value of a stored scalar column.
nlohmann::json ScalarFromSql(const FieldSchema& field, const sqlite::Statement& row, int column);

// "2024-05-01T12:00:00Z" (UTC, second precision): the stored date_time form.
std::string FormatDateTime(absl::Time time);
std::string FormatDate(absl::Time time);

}  // namespace pipebridge::core::entities
