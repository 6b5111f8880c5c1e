#include "bridge/core/entities/table_layout.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

std::string SqlType(const FieldSchema& field) {
  switch (field.type) {
    case FieldType::kNumber: return "INTEGER";
    case FieldType::kBool: return "INTEGER NOT NULL DEFAULT 0";
    case FieldType::kFloat: return "REAL";
    default: return "TEXT";
  }
}

absl::StatusOr<std::set<std::string>> ExistingColumns(sqlite::Connection& c, absl::string_view type) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                      c.Prepare(absl::StrCat("SELECT name FROM pragma_table_info(",
                                             IdentifierLiteral(absl::StrCat("e_", type)), ")")));
  std::set<std::string> out;
  while (true) {
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.emplace(stmt.Text(0));
  }
  return out;
}

// Columns of the index `name` (unquoted); 0 when there is none.
absl::StatusOr<int64_t> IndexColumnCount(sqlite::Connection& c, absl::string_view name) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                      c.Prepare(absl::StrCat("SELECT count(*) FROM pragma_index_info(", IdentifierLiteral(name), ")")));
  PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

std::string IndexName(absl::string_view type, absl::string_view field) {
  return absl::StrCat("\"x_", type, "_", field, "\"");
}

}  // namespace

std::string TableName(absl::string_view type) { return absl::StrCat("\"e_", type, "\""); }

std::string ScalarColumn(const FieldSchema& field) {
  if (field.name == "id") return "\"id\"";
  return absl::StrCat("\"f_", field.name, "\"");
}

std::string LinkTypeColumn(const FieldSchema& field) { return absl::StrCat("\"lt_", field.name, "\""); }
std::string LinkIdColumn(const FieldSchema& field) { return absl::StrCat("\"li_", field.name, "\""); }
std::string IdentifierLiteral(absl::string_view name) { return absl::StrCat("'", name, "'"); }

const FieldSchema* ProjectLink(const EntityTypeSchema& type) {
  const FieldSchema* project = type.FindField("project");
  return project != nullptr && project->type == FieldType::kEntity ? project : nullptr;
}

bool HasLeadingIndex(const EntityTypeSchema& type, const FieldSchema& field) {
  if (field.name == "id" || field.type == FieldType::kMultiEntity) return false;
  if (field.type == FieldType::kEntity) return true;
  return field.indexed || field.type == FieldType::kList || field.name == type.name_field;
}

std::string LeadingIndex(const EntityTypeSchema& type, const FieldSchema& field) {
  if (!HasLeadingIndex(type, field)) return "";
  const FieldSchema* project = ProjectLink(type);
  if (field.type == FieldType::kEntity && project != nullptr && project != &field) {
    return IndexName(type.name, absl::StrCat(field.name, "_then_project"));
  }
  return IndexName(type.name, field.name);
}

std::string ProjectFieldIndex(const EntityTypeSchema& type, const FieldSchema& field) {
  if (ProjectLink(type) == nullptr) return "";
  if (field.type != FieldType::kList && field.name != type.name_field) return "";
  return IndexName(type.name, absl::StrCat("project_", field.name));
}

absl::Status MigrateSchema(sqlite::Connection& c, const Schema& schema) {
  PB_RETURN_IF_ERROR(c.Execute(
      "CREATE TABLE IF NOT EXISTS pb_fields("
      "  entity_type TEXT NOT NULL, field TEXT NOT NULL, data_type TEXT NOT NULL,"
      "  PRIMARY KEY (entity_type, field)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS pb_multi_links("
      "  src_type TEXT NOT NULL, src_id INTEGER NOT NULL, field TEXT NOT NULL,"
      "  position INTEGER NOT NULL, dst_type TEXT NOT NULL, dst_id INTEGER NOT NULL,"
      "  PRIMARY KEY (src_type, src_id, field, position)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS pb_multi_links_dst"
      "  ON pb_multi_links(src_type, field, dst_type, dst_id, src_id);"
      "CREATE INDEX IF NOT EXISTS pb_multi_links_target ON pb_multi_links(dst_type, dst_id);"));

  for (const EntityTypeSchema& type : schema.types()) {
    PB_RETURN_IF_ERROR(c.Execute(absl::StrCat(
        "CREATE TABLE IF NOT EXISTS ", TableName(type.name),
        "(id INTEGER PRIMARY KEY AUTOINCREMENT, retired INTEGER NOT NULL DEFAULT 0)")));
    PB_ASSIGN_OR_RETURN(std::set<std::string> columns, ExistingColumns(c, type.name));
    for (const FieldSchema& field : type.fields) {
      if (field.name == "id") continue;
      // Data type check against what earlier opens stored.
      PB_ASSIGN_OR_RETURN(sqlite::Statement stored,
                          c.Prepare("SELECT data_type FROM pb_fields WHERE entity_type = ? AND field = ?"));
      stored.BindText(1, type.name);
      stored.BindText(2, field.name);
      PB_ASSIGN_OR_RETURN(bool found, stored.Step());
      if (found && stored.Text(0) != FieldTypeName(field.type)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "schema: ", type.name, ".", field.name, " is configured as ",
            FieldTypeName(field.type), " but stored as ", stored.Text(0),
            "; changing a field's data type is not supported"));
      }
      stored = sqlite::Statement();
      if (!found) {
        PB_ASSIGN_OR_RETURN(sqlite::Statement record,
                            c.Prepare("INSERT INTO pb_fields(entity_type, field, data_type) VALUES (?, ?, ?)"));
        record.BindText(1, type.name);
        record.BindText(2, field.name);
        record.BindText(3, FieldTypeName(field.type));
        PB_RETURN_IF_ERROR(record.Run());
      }
      if (field.type == FieldType::kMultiEntity) continue;
      if (field.type == FieldType::kEntity) {
        std::string type_col = absl::StrCat("lt_", field.name);
        if (columns.count(type_col) == 0) {
          PB_RETURN_IF_ERROR(c.Execute(absl::StrCat("ALTER TABLE ", TableName(type.name),
                                                    " ADD COLUMN ", LinkTypeColumn(field), " TEXT;",
                                                    "ALTER TABLE ", TableName(type.name),
                                                    " ADD COLUMN ", LinkIdColumn(field), " INTEGER")));
        }
        // Links are filtered by (id, type): the id is the selective part.
        const FieldSchema* project = ProjectLink(type);
        if (project == nullptr || project == &field) {
          PB_RETURN_IF_ERROR(c.Execute(absl::StrCat(
              "CREATE INDEX IF NOT EXISTS ", LeadingIndex(type, field), " ON ",
              TableName(type.name), "(", LinkIdColumn(field), ", ", LinkTypeColumn(field), ")")));
          continue;
        }
        // The project last: a Find that drives from the linked table
        // (join_order.h: Shots of the Sequences coded "sq7", in project P)
        // seeks (sequence, 'Sequence', P) and reads only that project's rows,
        // where codes repeat across projects. Its first two columns serve
        // every (id, type) lookup, so it replaces the (id, type) index that
        // stores created by earlier builds have.
        PB_RETURN_IF_ERROR(c.Execute(absl::StrCat(
            "CREATE INDEX IF NOT EXISTS ", LeadingIndex(type, field),
            " ON ", TableName(type.name), "(", LinkIdColumn(field), ", ", LinkTypeColumn(field), ", ",
            LinkIdColumn(*project), ");",
            "DROP INDEX IF EXISTS ", IndexName(type.name, field.name))));
        continue;
      }
      if (columns.count(absl::StrCat("f_", field.name)) == 0) {
        PB_RETURN_IF_ERROR(c.Execute(absl::StrCat("ALTER TABLE ", TableName(type.name),
                                                  " ADD COLUMN ", ScalarColumn(field), " ",
                                                  SqlType(field))));
      }
      std::string index = LeadingIndex(type, field);
      if (!index.empty()) {
        PB_RETURN_IF_ERROR(c.Execute(absl::StrCat("CREATE INDEX IF NOT EXISTS ", index, " ON ",
                                                  TableName(type.name), "(", ScalarColumn(field), ")")));
        // The most common ShotGrid query is "in this project, with this
        // status / ordered by name": a (project, field) index answers it
        // without visiting every record of the project. It holds the
        // project's type too, which every project filter compares: without
        // statistics SQLite rates indexes by their equalities, and with
        // (project id, field) it rated the (project id, project type) index
        // alike and could read the whole project for one code. Stores of
        // earlier builds have the two-column index: replaced.
        std::string project_index = ProjectFieldIndex(type, field);
        if (!project_index.empty()) {
          const FieldSchema& project = *ProjectLink(type);
          PB_ASSIGN_OR_RETURN(int64_t indexed, IndexColumnCount(c, absl::StrCat("x_", type.name, "_project_", field.name)));
          PB_RETURN_IF_ERROR(c.Execute(absl::StrCat(
              indexed == 2 ? absl::StrCat("DROP INDEX ", project_index, ";") : "",
              "CREATE INDEX IF NOT EXISTS ", project_index, " ON ", TableName(type.name), "(",
              LinkIdColumn(project), ", ", LinkTypeColumn(project), ", ", ScalarColumn(field), ")")));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::core::entities
