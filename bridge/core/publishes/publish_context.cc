#include "bridge/core/publishes/publish_context.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/record_reader.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/entities/value_codec.h"
#include "bridge/core/publishes/publishes_schema.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

namespace {

absl::Status Bad(const std::string& path, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

std::string Describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a bool";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "an object";
    default: return "a number";
  }
}

absl::StatusOr<ContextLink> ParseLink(const json& value, const std::string& path, const char* required_type) {
  if (value.is_null()) return ContextLink{};
  if (!value.is_object()) {
    return Bad(path, absl::StrCat("expected an entity link {\"type\":...,\"id\":...}, got ", Describe(value)));
  }
  auto type = value.find("type");
  if (type == value.end() || !type->is_string() || type->get<std::string>().empty()) {
    return Bad(path + ".type", "expected an entity type name");
  }
  auto id = value.find("id");
  if (id == value.end() || !id->is_number_integer() || id->get<int64_t>() <= 0) {
    return Bad(path + ".id", "expected a positive integer id");
  }
  ContextLink link{type->get<std::string>(), id->get<int64_t>(), nullptr};
  if (required_type != nullptr && link.type != required_type) {
    return Bad(path + ".type", absl::StrCat("expected a ", required_type, " link, got ", link.type));
  }
  return link;
}

// The link fields `fields` of the record `link` names ({"project": {"type", "id"}} or null
// per field; fields the type lacks or that are not single links are left out), or
// INVALID_ARGUMENT when there is no such active record; sets link.name from the same row.
// Reads the columns directly: a Register resolves up to four of these, and a general Find
// (filters compiled, link names filled in) costs several times more for the same values.
absl::StatusOr<json> LoadLinked(entities::EntityStore& store, sqlite::Transaction& txn, ContextLink& link,
                                const std::string& path, const std::vector<std::string>& fields) {
  const entities::EntityTypeSchema* type = store.schema().FindType(link.type);
  if (type == nullptr) return Bad(path + ".type", absl::StrCat("unknown entity type \"", link.type, "\""));
  const entities::FieldSchema* name_field = type->FindField(type->name_field);
  std::vector<const entities::FieldSchema*> present;
  std::string columns = name_field == nullptr ? "NULL" : entities::ScalarColumn(*name_field);
  for (const std::string& f : fields) {
    const entities::FieldSchema* field = type->FindField(f);
    if (field == nullptr || field->type != entities::FieldType::kEntity) continue;
    present.push_back(field);
    absl::StrAppend(&columns, ", ", entities::LinkTypeColumn(*field), ", ", entities::LinkIdColumn(*field));
  }
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      txn.connection().Prepare(absl::StrCat("SELECT ", columns, " FROM ",
                                                            entities::TableName(type->name),
                                                            " WHERE id = ?1 AND retired = 0")));
  statement.BindInt(1, link.id);
  PB_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return Bad(path, absl::StrCat(link.type, " ", link.id, " does not exist"));
  link.name = name_field == nullptr ? json(nullptr) : entities::ScalarFromSql(*name_field, statement, 0);
  json record = json::object();
  for (size_t i = 0; i < present.size(); ++i) {
    const int column = 1 + 2 * static_cast<int>(i);
    record[present[i]->name] = statement.IsNull(column + 1)
                                   ? json(nullptr)
                                   : json{{"type", std::string(statement.Text(column))},
                                          {"id", statement.Int(column + 1)}};
  }
  return record;
}

ContextLink LinkOf(const json& record, const char* field_name) {
  auto it = record.find(field_name);
  if (it == record.end() || !it->is_object()) return {};
  return ContextLink{it->value("type", ""), it->value("id", int64_t{0}), nullptr};
}

bool Same(const ContextLink& a, const ContextLink& b) { return a.type == b.type && a.id == b.id; }

std::string Name(const ContextLink& link) { return absl::StrCat(link.type, " ", link.id); }

}  // namespace

json ContextLink::ToJson() const {
  if (!set()) return nullptr;
  json link = json::object();
  link["type"] = type;
  link["id"] = id;
  return link;
}

json ContextLink::ToJsonWithName() const {
  json link = ToJson();
  if (!link.is_null()) link["name"] = name;
  return link;
}

absl::StatusOr<ContextLinks> ParseContext(const json& context, const std::string& path) {
  if (!context.is_object()) return Bad(path, absl::StrCat("expected a context object, got ", Describe(context)));
  ContextLinks links;
  for (const auto& [key, value] : context.items()) {
    const std::string at = absl::StrCat(path, ".", key);
    if (key == "project") {
      PB_ASSIGN_OR_RETURN(links.project, ParseLink(value, at, "Project"));
    } else if (key == "entity") {
      PB_ASSIGN_OR_RETURN(links.entity, ParseLink(value, at, nullptr));
    } else if (key == "step") {
      PB_ASSIGN_OR_RETURN(links.step, ParseLink(value, at, "Step"));
    } else if (key == "task") {
      PB_ASSIGN_OR_RETURN(links.task, ParseLink(value, at, "Task"));
    } else if (key == "user") {
      PB_ASSIGN_OR_RETURN(links.user, ParseLink(value, at, "HumanUser"));
    } else if (key == "additional_entities") {
      // Carried by the proto Context; a publish does not store them.
    } else {
      return Bad(at, "unknown context key (expected project, entity, step, task, user)");
    }
  }
  if (!links.entity.set()) return Bad(path + ".entity", "a publish needs the entity it belongs to");
  return links;
}

absl::StatusOr<ContextLinks> ResolveContext(entities::EntityStore& store, sqlite::Transaction& txn,
                                            ContextLinks links, const std::string& path) {
  const entities::EntityTypeSchema* published_file = store.schema().FindType("PublishedFile");
  const entities::FieldSchema* entity_field =
      published_file == nullptr ? nullptr : published_file->FindField(field::kEntity);
  if (entity_field != nullptr && !entity_field->AllowsLinkTo(links.entity.type) &&
      store.schema().FindType(links.entity.type) != nullptr) {
    return Bad(path + ".entity", absl::StrCat("a publish cannot belong to a ", links.entity.type));
  }
  PB_ASSIGN_OR_RETURN(json entity, LoadLinked(store, txn, links.entity, path + ".entity", {"project"}));
  const ContextLink entity_project = links.entity.type == "Project" ? links.entity : LinkOf(entity, "project");
  if (!links.project.set()) {
    links.project = entity_project;
    if (links.project.set() && links.project.name.is_null()) {
      // Named as a read names links: no check that it exists or is active (a read does not).
      json project = links.project.ToJson();
      PB_RETURN_IF_ERROR(entities::FillLinkNames(txn.connection(), store.schema(), {&project}));
      links.project.name = project["name"];
    }
  } else {
    PB_RETURN_IF_ERROR(LoadLinked(store, txn, links.project, path + ".project", {}).status());
    if (entity_project.set() && !Same(entity_project, links.project)) {
      return Bad(path + ".project", absl::StrCat(Name(links.entity), " belongs to ", Name(entity_project), ", not ",
                                                 Name(links.project)));
    }
  }
  if (links.task.set()) {
    PB_ASSIGN_OR_RETURN(json task, LoadLinked(store, txn, links.task, path + ".task", {"entity", "step"}));
    const ContextLink task_entity = LinkOf(task, "entity");
    if (task_entity.set() && !Same(task_entity, links.entity)) {
      return Bad(path + ".task", absl::StrCat(Name(links.task), " belongs to ", Name(task_entity), ", not ",
                                              Name(links.entity)));
    }
    if (!links.step.set()) links.step = LinkOf(task, "step");
  }
  if (links.step.set()) {
    PB_RETURN_IF_ERROR(LoadLinked(store, txn, links.step, path + ".step", {}).status());
  }
  if (links.user.set()) {
    PB_RETURN_IF_ERROR(LoadLinked(store, txn, links.user, path + ".user", {}).status());
  }
  return links;
}

}  // namespace pipebridge::core::publishes
