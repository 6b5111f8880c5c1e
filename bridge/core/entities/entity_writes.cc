// EntityStore writes: create, update, retire, revive and batch.
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/entities/find_query.h"
#include "bridge/core/entities/record_reader.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/entities/value_codec.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

using nlohmann::json;

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::StatusOr<std::vector<FieldValue>> ParseData(const Schema& schema, const EntityTypeSchema& type,
                                                  const json& data, const std::string& path) {
  if (!data.is_object()) {
    return Bad(path, absl::StrCat("expected an object of field values, got ", DescribeJson(data)));
  }
  std::vector<FieldValue> out;
  for (const auto& [key, value] : data.items()) {
    std::string field_path = absl::StrCat(path, ".", key);
    if (key == "type") return Bad(field_path, "the type is given by entity_type, not data");
    const FieldSchema* field = type.FindField(key);
    if (field == nullptr) return Bad(field_path, absl::StrCat("unknown field \"", key, "\" on ", type.name));
    if (!field->editable) return Bad(field_path, absl::StrCat("field ", key, " is read-only"));
    PB_ASSIGN_OR_RETURN(json normalized, NormalizeFieldValue(*field, value, schema, field_path));
    out.push_back({field, std::move(normalized)});
  }
  return out;
}

// Links must point at existing, active records.
absl::Status CheckLink(sqlite::Connection& c, const json& link, const std::string& path) {
  std::string type = link["type"].get<std::string>();
  int64_t id = link["id"].get<int64_t>();
  PB_ASSIGN_OR_RETURN(sqlite::Statement stmt,
                      c.Prepare(absl::StrCat("SELECT retired FROM ", TableName(type), " WHERE id = ?")));
  stmt.BindInt(1, id);
  PB_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return Bad(path, absl::StrCat(type, " ", id, " does not exist"));
  if (stmt.Int(0) != 0) return Bad(path, absl::StrCat(type, " ", id, " is retired"));
  return absl::OkStatus();
}

// The links of one value (`path` is the data object's path).
absl::Status CheckLinks(sqlite::Connection& c, const FieldValue& v, const std::string& path) {
  if (v.field->type != FieldType::kEntity && v.field->type != FieldType::kMultiEntity) return absl::OkStatus();
  std::string field_path = absl::StrCat(path, ".", v.field->name);
  if (v.field->type == FieldType::kEntity) {
    return v.value.is_null() ? absl::OkStatus() : CheckLink(c, v.value, field_path);
  }
  for (size_t i = 0; i < v.value.size(); ++i) {
    PB_RETURN_IF_ERROR(CheckLink(c, v.value[i], absl::StrCat(field_path, "[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status WriteMultiLinks(sqlite::Connection& c, const std::string& type, int64_t id,
                             const FieldSchema& field, const json& links, bool replace) {
  if (replace) {
    PB_ASSIGN_OR_RETURN(sqlite::Statement del,
                        c.Prepare("DELETE FROM pb_multi_links WHERE src_type = ? AND src_id = ? AND field = ?"));
    del.BindText(1, type);
    del.BindInt(2, id);
    del.BindText(3, field.name);
    PB_RETURN_IF_ERROR(del.Run());
  }
  PB_ASSIGN_OR_RETURN(sqlite::Statement insert,
                      c.Prepare("INSERT INTO pb_multi_links(src_type, src_id, field, position, dst_type, dst_id)"
                                " VALUES (?, ?, ?, ?, ?, ?)"));
  for (size_t i = 0; i < links.size(); ++i) {
    insert.Reset();
    insert.BindText(1, type);
    insert.BindInt(2, id);
    insert.BindText(3, field.name);
    insert.BindInt(4, static_cast<int64_t>(i));
    insert.BindText(5, links[i]["type"].get<std::string>());
    insert.BindInt(6, links[i]["id"].get<int64_t>());
    PB_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

// Appends "col = ?"-style assignments and their values for one field.
void AppendColumns(const FieldValue& v, std::vector<std::string>& columns,
                   std::vector<sqlite::Value>& params) {
  if (v.field->type == FieldType::kMultiEntity) return;
  if (v.field->type == FieldType::kEntity) {
    columns.push_back(LinkTypeColumn(*v.field));
    columns.push_back(LinkIdColumn(*v.field));
    if (v.value.is_null()) {
      params.emplace_back(std::monostate{});
      params.emplace_back(std::monostate{});
    } else {
      params.emplace_back(v.value["type"].get<std::string>());
      params.emplace_back(v.value["id"].get<int64_t>());
    }
    return;
  }
  columns.push_back(ScalarColumn(*v.field));
  params.push_back(ScalarToSql(*v.field, v.value));
}

// Fields to read back: return_fields first (so their error paths keep their
// indexes), then the fields that were written.
std::vector<std::string> ReadBackFields(const std::vector<std::string>& return_fields,
                                        const std::vector<FieldValue>& values) {
  std::vector<std::string> fields = return_fields;
  for (const FieldValue& v : values) fields.push_back(v.field->name);
  return fields;
}

bool IsCreationStamp(absl::string_view field) { return field == "created_at" || field == "updated_at"; }

absl::StatusOr<json> ReadOne(sqlite::Connection& c, const Schema& schema, const std::string& type,
                             int64_t id, std::vector<std::string> fields, bool with_names,
                             const std::string& path_prefix, absl::Time now) {
  FindRequest find;
  find.entity_type = type;
  find.filters = json::array({json::array({"id", "is", id})});
  find.fields = std::move(fields);
  find.retired = RetiredMode::kActive;
  FindOptions options;
  options.now = now;
  options.path_prefix = path_prefix;
  options.with_names = with_names;
  options.fields_path = "return_fields";
  PB_ASSIGN_OR_RETURN(std::vector<json> records, RunFind(c, schema, find, options));
  if (records.empty()) {
    return absl::NotFoundError(absl::StrCat(path_prefix.empty() ? "" : path_prefix.substr(0, path_prefix.size() - 1),
                                            path_prefix.empty() ? "" : ": ", type, " ", id, " not found"));
  }
  return std::move(records[0]);
}

absl::Status ValidateReturnFields(const Schema& schema, const EntityTypeSchema& type,
                                  const std::vector<std::string>& fields,
                                  const std::string& path_prefix) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == "*" || fields[i] == "type") continue;
    absl::string_view name = fields[i];
    std::string path = absl::StrCat(path_prefix, "return_fields[", i, "]");
    if (name.find('.') == absl::string_view::npos && type.FindField(name) == nullptr) {
      return Bad(path, absl::StrCat("unknown field \"", name, "\" on ", type.name));
    }
  }
  return absl::OkStatus();
}

// The record a Create returns, from the values it wrote (their canonical form is what a read
// would decode) plus the names of the records they link to: reading the new row back through
// a Find cost as much as the rest of the Create. Only a return field that was not written
// (other than the creation stamps) is read back, with the whole return_fields list so that an
// error names the field by its index. `values` empty: type, id and return_fields only.
absl::StatusOr<json> CreatedRecord(sqlite::Connection& c, const Schema& schema, const EntityTypeSchema& type,
                                   int64_t id, const std::vector<const FieldValue*>& values,
                                   const std::vector<std::string>& return_fields, const std::string& stamp,
                                   const std::string& path_prefix, absl::Time now) {
  json record = json::object();
  record["type"] = type.name;
  record["id"] = id;
  for (const FieldValue* v : values) record[v->field->name] = v->value;
  bool read_back = false;
  for (const std::string& name : return_fields) {
    if (name == "type" || name == "id" || record.contains(name)) continue;
    if (IsCreationStamp(name)) {
      record[name] = stamp;
    } else {
      read_back = true;
    }
  }
  std::vector<json*> links;
  for (const FieldValue* v : values) {
    json& value = record[v->field->name];
    if (v->field->type == FieldType::kEntity && value.is_object()) links.push_back(&value);
    if (v->field->type == FieldType::kMultiEntity) {
      for (json& link : value) links.push_back(&link);
    }
  }
  PB_RETURN_IF_ERROR(FillLinkNames(c, schema, links));
  if (read_back) {
    PB_ASSIGN_OR_RETURN(json read, ReadOne(c, schema, type.name, id, return_fields, /*with_names=*/true,
                                           path_prefix, now));
    for (auto& [key, value] : read.items()) {
      if (!record.contains(key)) record[key] = std::move(value);
    }
  }
  return record;
}

}  // namespace

absl::StatusOr<json> EntityStore::Create(const CreateRequest& request) {
  json result;
  PB_RETURN_IF_ERROR(database_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(result, CreateInTransaction(txn, request));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<json> EntityStore::Update(const UpdateRequest& request) {
  json result;
  PB_RETURN_IF_ERROR(database_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(result, UpdateInTransaction(txn, request));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<bool> EntityStore::Retire(const std::string& entity_type, int64_t id) {
  bool changed = false;
  PB_RETURN_IF_ERROR(database_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(changed, RetireInTransaction(txn, entity_type, id));
    return absl::OkStatus();
  }));
  return changed;
}

absl::StatusOr<bool> EntityStore::Revive(const std::string& entity_type, int64_t id) {
  bool changed = false;
  PB_RETURN_IF_ERROR(database_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(changed, ReviveInTransaction(txn, entity_type, id));
    return absl::OkStatus();
  }));
  return changed;
}

absl::StatusOr<std::vector<json>> EntityStore::Batch(const std::vector<BatchItem>& requests) {
  std::vector<json> results;
  PB_RETURN_IF_ERROR(database_->Write([&](sqlite::Transaction& txn) -> absl::Status {
    results.clear();
    for (size_t i = 0; i < requests.size(); ++i) {
      const BatchItem& item = requests[i];
      std::string prefix = absl::StrCat("requests[", i, "].");
      switch (item.kind) {
        case BatchItem::Kind::kCreate: {
          CreateRequest create{item.entity_type, item.data, item.return_fields};
          PB_ASSIGN_OR_RETURN(json record, CreateInTransaction(txn, create, prefix));
          results.push_back(std::move(record));
          break;
        }
        case BatchItem::Kind::kUpdate: {
          UpdateRequest update{item.entity_type, item.id, item.data, item.multi_entity_update_modes,
                               item.return_fields};
          PB_ASSIGN_OR_RETURN(json record, UpdateInTransaction(txn, update, prefix));
          results.push_back(std::move(record));
          break;
        }
        case BatchItem::Kind::kDelete: {
          PB_ASSIGN_OR_RETURN(bool changed, RetireInTransaction(txn, item.entity_type, item.id, prefix));
          results.push_back(changed);
          break;
        }
        case BatchItem::Kind::kRevive: {
          PB_ASSIGN_OR_RETURN(bool changed, ReviveInTransaction(txn, item.entity_type, item.id, prefix));
          results.push_back(changed);
          break;
        }
      }
    }
    return absl::OkStatus();
  }));
  return results;
}

absl::StatusOr<PreparedCreate> EntityStore::PrepareCreate(const CreateRequest& request, const std::string& prefix,
                                                         CreateReturns returns) const {
  PreparedCreate prepared;
  PB_ASSIGN_OR_RETURN(prepared.type_, LookupType(schema_, request.entity_type, prefix));
  PB_ASSIGN_OR_RETURN(prepared.values_,
                      ParseData(schema_, *prepared.type_, request.data, absl::StrCat(prefix, "data")));
  PB_RETURN_IF_ERROR(ValidateReturnFields(schema_, *prepared.type_, request.return_fields, prefix));
  prepared.first_column_.reserve(prepared.values_.size() + 1);
  for (const FieldValue& v : prepared.values_) {
    prepared.first_column_.push_back(prepared.columns_.size());
    AppendColumns(v, prepared.columns_, prepared.params_);
  }
  prepared.first_column_.push_back(prepared.columns_.size());
  prepared.return_fields_ = request.return_fields;
  prepared.returns_ = returns;
  prepared.path_prefix_ = prefix;
  return prepared;
}

absl::StatusOr<json> EntityStore::CreateInTransaction(sqlite::Transaction& txn,
                                                      const CreateRequest& request,
                                                      const std::string& prefix) {
  PB_ASSIGN_OR_RETURN(PreparedCreate prepared, PrepareCreate(request, prefix));
  return CreateInTransaction(txn, prepared);
}

absl::StatusOr<json> EntityStore::CreateInTransaction(sqlite::Transaction& txn, const PreparedCreate& prepared,
                                                      const json& late_data) {
  sqlite::Connection& c = txn.connection();
  const EntityTypeSchema& type = *prepared.type_;
  const std::string& prefix = prepared.path_prefix_;
  const std::string data_path = absl::StrCat(prefix, "data");
  std::vector<FieldValue> late;
  if (!late_data.is_object() || !late_data.empty()) {
    PB_ASSIGN_OR_RETURN(late, ParseData(schema_, type, late_data, data_path));
  }
  // What is written: the prepared values a late one does not replace (with the columns and
  // parameters encoded when prepared), then the late ones.
  std::vector<std::string> late_columns;
  std::vector<sqlite::Value> late_params;
  for (const FieldValue& v : late) AppendColumns(v, late_columns, late_params);
  std::vector<const FieldValue*> values;
  std::vector<const std::string*> columns;
  std::vector<const sqlite::Value*> params;
  values.reserve(prepared.values_.size() + late.size());
  columns.reserve(prepared.columns_.size() + late_columns.size());
  params.reserve(prepared.params_.size() + late_params.size());
  for (size_t i = 0; i < prepared.values_.size(); ++i) {
    const FieldValue& v = prepared.values_[i];
    const bool replaced =
        std::any_of(late.begin(), late.end(), [&v](const FieldValue& l) { return l.field == v.field; });
    if (replaced) continue;
    values.push_back(&v);
    for (size_t k = prepared.first_column_[i]; k < prepared.first_column_[i + 1]; ++k) {
      columns.push_back(&prepared.columns_[k]);
      params.push_back(&prepared.params_[k]);
    }
  }
  for (const FieldValue& v : late) values.push_back(&v);
  for (size_t k = 0; k < late_columns.size(); ++k) {
    columns.push_back(&late_columns[k]);
    params.push_back(&late_params[k]);
  }
  for (const FieldValue* v : values) PB_RETURN_IF_ERROR(CheckLinks(c, *v, data_path));

  absl::Time now = clock_();
  std::string stamp = FormatDateTime(now);
  std::string sql = absl::StrCat("INSERT INTO ", TableName(type.name), "(\"f_created_at\", \"f_updated_at\"");
  for (const std::string* column : columns) absl::StrAppend(&sql, ", ", *column);
  sql += ") VALUES (?, ?";
  for (size_t k = 0; k < columns.size(); ++k) sql += ", ?";
  sql += ")";
  PB_ASSIGN_OR_RETURN(sqlite::Statement insert, c.Prepare(sql));
  insert.BindText(1, stamp);
  insert.BindText(2, stamp);
  for (size_t k = 0; k < params.size(); ++k) insert.BindValue(static_cast<int>(k) + 3, *params[k]);
  PB_RETURN_IF_ERROR(insert.Run());
  int64_t id = c.LastInsertRowId();
  insert = sqlite::Statement();

  ChangeRecord change;
  change.entity_type = type.name;
  change.id = id;
  change.operation = ChangeOperation::kCreate;
  change.time = now;
  change.changes.reserve(values.size());
  for (const FieldValue* v : values) {
    if (v->field->type == FieldType::kMultiEntity) {
      PB_RETURN_IF_ERROR(WriteMultiLinks(c, type.name, id, *v->field, v->value, /*replace=*/false));
    }
    change.changes.push_back({v->field->name, nullptr, v->value});
  }
  PB_RETURN_IF_ERROR(Notify(txn, change));
  return CreatedRecord(c, schema_, type, id,
                       prepared.returns_ == CreateReturns::kRecord ? values : std::vector<const FieldValue*>(),
                       prepared.return_fields_, stamp, prefix, now);
}

absl::StatusOr<json> EntityStore::UpdateInTransaction(sqlite::Transaction& txn,
                                                      const UpdateRequest& request,
                                                      const std::string& prefix) {
  sqlite::Connection& c = txn.connection();
  PB_ASSIGN_OR_RETURN(const EntityTypeSchema* type, LookupType(schema_, request.entity_type, prefix));
  std::string data_path = absl::StrCat(prefix, "data");
  PB_ASSIGN_OR_RETURN(std::vector<FieldValue> values,
                      ParseData(schema_, *type, request.data, data_path));
  for (const auto& [field_name, mode] : request.multi_entity_update_modes) {
    std::string path = absl::StrCat(prefix, "multi_entity_update_modes.", field_name);
    const FieldSchema* field = type->FindField(field_name);
    if (field == nullptr || field->type != FieldType::kMultiEntity) {
      return Bad(path, absl::StrCat("not a multi_entity field of ", type->name));
    }
    if (mode != "set" && mode != "add" && mode != "remove") {
      return Bad(path, absl::StrCat("expected \"set\", \"add\" or \"remove\", got \"", mode, "\""));
    }
    if (!request.data.contains(field_name)) return Bad(path, "the field is not in data");
  }
  PB_RETURN_IF_ERROR(ValidateReturnFields(schema_, *type, request.return_fields, prefix));
  absl::Time now = clock_();

  std::vector<std::string> names;
  for (const FieldValue& v : values) names.push_back(v.field->name);
  PB_ASSIGN_OR_RETURN(json current, ReadOne(c, schema_, type->name, request.id, names,
                                            /*with_names=*/false, prefix, now));
  for (const FieldValue& v : values) PB_RETURN_IF_ERROR(CheckLinks(c, v, data_path));

  ChangeRecord change;
  change.entity_type = type->name;
  change.id = request.id;
  change.operation = ChangeOperation::kUpdate;
  change.time = now;
  std::vector<FieldValue> changed;
  for (FieldValue& v : values) {
    const json& old_value = current[v.field->name];
    if (v.field->type == FieldType::kMultiEntity) {
      auto mode = request.multi_entity_update_modes.find(v.field->name);
      if (mode != request.multi_entity_update_modes.end() && mode->second != "set") {
        json merged = json::array();
        if (mode->second == "add") {
          merged = old_value;
          for (const json& link : v.value) {
            if (std::find(merged.begin(), merged.end(), link) == merged.end()) merged.push_back(link);
          }
        } else {
          for (const json& link : old_value) {
            if (std::find(v.value.begin(), v.value.end(), link) == v.value.end()) merged.push_back(link);
          }
        }
        v.value = std::move(merged);
      }
    }
    if (old_value == v.value) continue;
    change.changes.push_back({v.field->name, old_value, v.value});
    changed.push_back(v);
  }
  if (!changed.empty()) {
    std::vector<std::string> columns = {"\"f_updated_at\""};
    std::vector<sqlite::Value> params;
    params.emplace_back(FormatDateTime(now));
    for (const FieldValue& v : changed) AppendColumns(v, columns, params);
    for (std::string& col : columns) col = absl::StrCat(col, " = ?");
    params.emplace_back(request.id);
    PB_ASSIGN_OR_RETURN(sqlite::Statement update,
                        c.Prepare(absl::StrCat("UPDATE ", TableName(type->name), " SET ",
                                               absl::StrJoin(columns, ", "), " WHERE id = ?")));
    update.BindAll(params);
    PB_RETURN_IF_ERROR(update.Run());
    update = sqlite::Statement();
    for (const FieldValue& v : changed) {
      if (v.field->type == FieldType::kMultiEntity) {
        PB_RETURN_IF_ERROR(WriteMultiLinks(c, type->name, request.id, *v.field, v.value, /*replace=*/true));
      }
    }
    PB_RETURN_IF_ERROR(Notify(txn, change));
  }
  return ReadOne(c, schema_, type->name, request.id, ReadBackFields(request.return_fields, values),
                 /*with_names=*/true, prefix, now);
}

absl::StatusOr<bool> EntityStore::RetireInTransaction(sqlite::Transaction& txn,
                                                      const std::string& entity_type, int64_t id,
                                                      const std::string& prefix) {
  return SetRetired(txn, entity_type, id, true, prefix);
}

absl::StatusOr<bool> EntityStore::ReviveInTransaction(sqlite::Transaction& txn,
                                                      const std::string& entity_type, int64_t id,
                                                      const std::string& prefix) {
  return SetRetired(txn, entity_type, id, false, prefix);
}

absl::StatusOr<bool> EntityStore::SetRetired(sqlite::Transaction& txn, const std::string& entity_type,
                                             int64_t id, bool retired, const std::string& prefix) {
  sqlite::Connection& c = txn.connection();
  PB_ASSIGN_OR_RETURN(const EntityTypeSchema* type, LookupType(schema_, entity_type, prefix));
  PB_ASSIGN_OR_RETURN(sqlite::Statement select,
                      c.Prepare(absl::StrCat("SELECT retired FROM ", TableName(type->name), " WHERE id = ?")));
  select.BindInt(1, id);
  PB_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1),
                                            prefix.empty() ? "" : ": ", type->name, " ", id, " not found"));
  }
  bool was_retired = select.Int(0) != 0;
  select = sqlite::Statement();
  if (was_retired == retired) return false;
  absl::Time now = clock_();
  PB_ASSIGN_OR_RETURN(sqlite::Statement update,
                      c.Prepare(absl::StrCat("UPDATE ", TableName(type->name),
                                             " SET retired = ?, \"f_updated_at\" = ? WHERE id = ?")));
  update.BindInt(1, retired ? 1 : 0);
  update.BindText(2, FormatDateTime(now));
  update.BindInt(3, id);
  PB_RETURN_IF_ERROR(update.Run());
  update = sqlite::Statement();
  ChangeRecord change;
  change.entity_type = type->name;
  change.id = id;
  change.operation = retired ? ChangeOperation::kRetire : ChangeOperation::kRevive;
  change.time = now;
  PB_RETURN_IF_ERROR(Notify(txn, change));
  return true;
}

}  // namespace pipebridge::core::entities
