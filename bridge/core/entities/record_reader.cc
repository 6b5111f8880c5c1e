#include "bridge/core/entities/record_reader.h"

#include <map>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/entities/value_codec.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {

using nlohmann::json;

namespace {

// The condition on `column` for a set of ids, bound as one parameter. One id (the read-back
// of a single record, the commonest case) is "= ?": SQLite then skips the ephemeral table
// it builds for "IN (SELECT value FROM json_each(?))", about ten times the work of a lookup.
std::string IdsCondition(absl::string_view column, size_t count) {
  return count == 1 ? absl::StrCat(column, " = ?") : absl::StrCat(column, " IN (SELECT value FROM json_each(?))");
}

template <typename Ids>
void BindIds(sqlite::Statement& stmt, int index, const Ids& ids) {
  if (ids.size() == 1) {
    stmt.BindInt(index, *ids.begin());
  } else {
    stmt.BindText(index, json(ids).dump());
  }
}

}  // namespace

absl::Status RecordReader::AddFields(const std::vector<std::string>& fields,
                                     const std::string& path) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == "*") {
      AddAllFields();
      continue;
    }
    PB_RETURN_IF_ERROR(AddOne(fields[i], absl::StrCat(path, "[", i, "]")));
  }
  return absl::OkStatus();
}

void RecordReader::AddAllFields() {
  for (const FieldSchema& field : resolver_.root().fields) {
    (void)AddOne(field.name, "fields");
  }
}

absl::Status RecordReader::AddOne(const std::string& name, const std::string& path) {
  if (name == "type") return absl::OkStatus();
  for (const Output& o : outputs_) {
    if (o.key == name) return absl::OkStatus();
  }
  PB_ASSIGN_OR_RETURN(ColumnRef ref, resolver_.Resolve(name, path));
  if (!ref.json_keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": \"", name, "\" is a key of a json field: ask for the whole field (keys are for filters and order)"));
  }
  Output out{name, ref, next_column_};
  if (ref.field->type == FieldType::kMultiEntity) {
    if (ref.dotted) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": multi_entity fields of linked entities cannot be returned (\"", name, "\")"));
    }
    out.column = -1;
  } else if (ref.field->type == FieldType::kEntity) {
    next_column_ += 2;
  } else {
    next_column_ += 1;
  }
  outputs_.push_back(std::move(out));
  return absl::OkStatus();
}

std::string RecordReader::SelectList() const {
  std::string out = "t.\"id\"";
  for (const Output& o : outputs_) {
    if (o.column < 0) continue;
    if (o.ref.field->type == FieldType::kEntity) {
      absl::StrAppend(&out, ", ", o.ref.LinkType(), ", ", o.ref.LinkId());
    } else {
      absl::StrAppend(&out, ", ", o.ref.Scalar());
    }
  }
  return out;
}

json RecordReader::Decode(const sqlite::Statement& row) const {
  json record = json::object();
  record["type"] = resolver_.root().name;
  record["id"] = row.Int(0);
  for (const Output& o : outputs_) {
    if (o.column < 0) {
      record[o.key] = json::array();
    } else if (o.ref.field->type == FieldType::kEntity) {
      if (row.IsNull(o.column + 1)) {
        record[o.key] = nullptr;
      } else {
        record[o.key] = {{"type", std::string(row.Text(o.column))}, {"id", row.Int(o.column + 1)}};
      }
    } else {
      record[o.key] = ScalarFromSql(*o.ref.field, row, o.column);
    }
  }
  return record;
}

absl::Status RecordReader::Complete(sqlite::Connection& c, std::vector<json>& records,
                                    bool with_names) const {
  if (records.empty()) return absl::OkStatus();
  std::vector<const Output*> multi;
  for (const Output& o : outputs_) {
    if (o.column < 0) multi.push_back(&o);
  }
  if (!multi.empty()) {
    std::unordered_map<int64_t, size_t> index;
    std::vector<int64_t> ids;
    for (size_t i = 0; i < records.size(); ++i) {
      int64_t id = records[i]["id"].get<int64_t>();
      index.emplace(id, i);
      ids.push_back(id);
    }
    const std::string sql = absl::StrCat("SELECT src_id, dst_type, dst_id FROM pb_multi_links WHERE src_type = ? AND "
                                         "field = ? AND ", IdsCondition("src_id", ids.size()),
                                         " ORDER BY src_id, position");
    for (const Output* o : multi) {
      PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql));
      stmt.BindText(1, resolver_.root().name);
      stmt.BindText(2, o->ref.field->name);
      BindIds(stmt, 3, ids);
      while (true) {
        PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        auto it = index.find(stmt.Int(0));
        if (it == index.end()) continue;
        records[it->second][o->key].push_back({{"type", std::string(stmt.Text(1))}, {"id", stmt.Int(2)}});
      }
    }
  }
  if (!with_names) return absl::OkStatus();
  std::vector<json*> links;
  for (json& record : records) {
    for (const Output& o : outputs_) {
      FieldType type = o.ref.field->type;
      if (type != FieldType::kEntity && type != FieldType::kMultiEntity) continue;
      json& value = record[o.key];
      if (value.is_object()) links.push_back(&value);
      if (value.is_array()) {
        for (json& link : value) links.push_back(&link);
      }
    }
  }
  return FillLinkNames(c, resolver_.schema(), links);
}

absl::Status FillLinkNames(sqlite::Connection& c, const Schema& schema,
                           const std::vector<json*>& links) {
  std::map<std::string, std::set<int64_t>> wanted;
  for (json* link : links) {
    wanted[(*link)["type"].get<std::string>()].insert((*link)["id"].get<int64_t>());
  }
  std::map<std::pair<std::string, int64_t>, json> names;
  for (const auto& [type_name, ids] : wanted) {
    const EntityTypeSchema* type = schema.FindType(type_name);
    if (type == nullptr) continue;  // A type dropped from config: no name.
    const FieldSchema* name_field = type->FindField(type->name_field);
    PB_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                        c.Prepare(absl::StrCat("SELECT id, ", ScalarColumn(*name_field), " FROM ",
                                               TableName(type->name), " WHERE ", IdsCondition("id", ids.size()))));
    BindIds(stmt, 1, ids);
    while (true) {
      PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      names[{type_name, stmt.Int(0)}] = ScalarFromSql(*name_field, stmt, 1);
    }
  }
  for (json* link : links) {
    auto it = names.find({(*link)["type"].get<std::string>(), (*link)["id"].get<int64_t>()});
    (*link)["name"] = it == names.end() ? json(nullptr) : it->second;
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::core::entities
