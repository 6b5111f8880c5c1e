// How entity types map onto SQLite tables, and the migration run at open.
//
// One table per type, "e_<Type>": id INTEGER PRIMARY KEY AUTOINCREMENT (ids are
// never reused, so a retired id stays meaningful in the event log), retired,
// then per field: scalar fields one column "f_<field>"; entity fields two
// columns "lt_<field>" (type) and "li_<field>" (id). multi_entity values live in
// the shared table pb_multi_links. pb_fields records each stored field's data
// type so a config that changes a type is refused instead of misreading data.
// Identifiers come from the validated schema only; values are always bound.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::entities {

std::string TableName(absl::string_view type);            // "e_Shot" (quoted)
std::string ScalarColumn(const FieldSchema& field);      // "f_code", or "id"
std::string LinkTypeColumn(const FieldSchema& field);    // "lt_entity"
std::string LinkIdColumn(const FieldSchema& field);      // "li_entity"
// A schema identifier as an SQL string literal ('Shot'); only for names that
// passed IsValidTypeName/IsValidFieldName.
std::string IdentifierLiteral(absl::string_view name);

// The type's link to its project ("project", an entity field), or null. Types
// with one get indexes that lead with or end in the project (MigrateSchema).
const FieldSchema* ProjectLink(const EntityTypeSchema& type);

// The index MigrateSchema gives `field` of `type` whose first column is the
// field's value (its link id for entity fields), quoted ("x_Shot_code"), or
// "" when it has none. The id has none: it is the table's rowid.
std::string LeadingIndex(const EntityTypeSchema& type, const FieldSchema& field);
// !LeadingIndex(type, field).empty(), without building the name.
bool HasLeadingIndex(const EntityTypeSchema& type, const FieldSchema& field);
// The (project id, project type, field) index MigrateSchema gives a list field or
// the name field of a type with a project, quoted ("x_Shot_project_code"), or "".
std::string ProjectFieldIndex(const EntityTypeSchema& type, const FieldSchema& field);

// Creates missing tables, adds missing columns (ALTER TABLE ... ADD COLUMN),
// creates indexes. Runs inside the caller's write transaction. Errors:
// FAILED_PRECONDITION when a stored field's data type differs from `schema`.
absl::Status MigrateSchema(sqlite::Connection& connection, const Schema& schema);

}  // namespace pipebridge::core::entities
