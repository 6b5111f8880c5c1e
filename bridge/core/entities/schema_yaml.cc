// Schema::MergeYaml: custom entity types and extra fields from configuration.
#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::StatusOr<std::vector<std::string>> StringList(const YAML::Node& node,
                                                    const std::string& path) {
  if (!node.IsSequence()) return Bad(path, "expected a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar()) return Bad(absl::StrCat(path, "[", i, "]"), "expected a string");
    out.push_back(node[i].as<std::string>());
  }
  return out;
}

absl::StatusOr<bool> Bool(const YAML::Node& node, const std::string& path) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return Bad(path, "expected true or false");
  }
  return value;
}

absl::StatusOr<FieldSchema> ParseField(const std::string& name, const YAML::Node& node,
                                       const std::string& path) {
  if (!IsValidFieldName(name)) {
    return Bad(path, "invalid field name (expected lower snake case [a-z][a-z0-9_]*)");
  }
  FieldSchema field;
  field.name = name;
  std::string type_name;
  std::string type_path = path;
  if (node.IsScalar()) {
    type_name = node.as<std::string>();
  } else if (node.IsMap()) {
    type_path = path + ".type";
    if (!node["type"] || !node["type"].IsScalar()) return Bad(type_path, "missing data type");
    type_name = node["type"].as<std::string>();
    for (const auto& entry : node) {
      std::string key = entry.first.as<std::string>();
      std::string key_path = absl::StrCat(path, ".", key);
      if (key == "type") continue;
      if (key == "display_name") {
        if (!entry.second.IsScalar()) return Bad(key_path, "expected a string");
        field.display_name = entry.second.as<std::string>();
      } else if (key == "link_types") {
        PB_ASSIGN_OR_RETURN(field.link_types, StringList(entry.second, key_path));
      } else if (key == "valid_values") {
        PB_ASSIGN_OR_RETURN(field.valid_values, StringList(entry.second, key_path));
      } else if (key == "indexed") {
        PB_ASSIGN_OR_RETURN(field.indexed, Bool(entry.second, key_path));
      } else {
        return Bad(key_path, "unknown key (expected type, display_name, link_types, "
                             "valid_values, indexed)");
      }
    }
  } else {
    return Bad(path, "expected a data type name or a map with \"type\"");
  }
  std::optional<FieldType> type = ParseFieldType(type_name);
  if (!type) return Bad(type_path, absl::StrCat("unknown data type \"", type_name, "\""));
  field.type = *type;
  if (!field.link_types.empty() && field.type != FieldType::kEntity &&
      field.type != FieldType::kMultiEntity) {
    return Bad(path + ".link_types", "only entity and multi_entity fields have link types");
  }
  if (!field.valid_values.empty() && field.type != FieldType::kList) {
    return Bad(path + ".valid_values", "only list fields have valid values");
  }
  if (field.display_name.empty()) field.display_name = name;
  return field;
}

EntityTypeSchema NewCustomType(const std::string& name) {
  EntityTypeSchema type;
  type.name = name;
  type.display_name = name;
  type.fields = SystemFields();
  FieldSchema code{"code", "Name", FieldType::kText, {}, {}, true, true};
  FieldSchema description{"description", "Description", FieldType::kText, {}, {}, true, false};
  FieldSchema project{"project", "Project", FieldType::kEntity, {"Project"}, {}, true, false};
  FieldSchema status{"sg_status_list", "Status", FieldType::kList,
                     {}, {"wtg", "rdy", "ip", "rev", "hld", "omt", "fin"}, true, false};
  type.fields.push_back(code);
  type.fields.push_back(description);
  type.fields.push_back(project);
  type.fields.push_back(status);
  return type;
}

}  // namespace

absl::Status Schema::MergeYaml(absl::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("config: invalid YAML at line ",
                                                   e.mark.line + 1, ": ", e.msg));
  }
  if (root.IsNull()) return absl::OkStatus();
  if (!root.IsMap()) return Bad("config", "expected a map with \"entity_types\"");
  for (const auto& top : root) {
    std::string key = top.first.as<std::string>();
    if (key != "entity_types") return Bad(key, "unknown key (expected entity_types)");
  }
  const YAML::Node types = root["entity_types"];
  if (!types || types.IsNull()) return absl::OkStatus();
  if (!types.IsMap()) return Bad("entity_types", "expected a map of entity types");
  try {
    for (const auto& entry : types) {
      std::string type_name = entry.first.as<std::string>();
      std::string path = absl::StrCat("entity_types.", type_name);
      if (!IsValidTypeName(type_name)) {
        return Bad(path, "invalid entity type name (expected [A-Z][A-Za-z0-9_]*)");
      }
      const YAML::Node& body = entry.second;
      if (!body.IsNull() && !body.IsMap()) return Bad(path, "expected a map");
      if (FindType(type_name) == nullptr) PB_RETURN_IF_ERROR(AddType(NewCustomType(type_name)));
      EntityTypeSchema* type = MutableType(type_name);
      if (body.IsNull()) continue;
      for (const auto& item : body) {
        std::string item_key = item.first.as<std::string>();
        std::string item_path = absl::StrCat(path, ".", item_key);
        if (item_key == "display_name") {
          if (!item.second.IsScalar()) return Bad(item_path, "expected a string");
          type->display_name = item.second.as<std::string>();
        } else if (item_key == "name_field") {
          if (!item.second.IsScalar()) return Bad(item_path, "expected a field name");
          type->name_field = item.second.as<std::string>();
        } else if (item_key == "fields") {
          if (!item.second.IsMap()) return Bad(item_path, "expected a map of fields");
          for (const auto& field_entry : item.second) {
            std::string field_name = field_entry.first.as<std::string>();
            std::string field_path = absl::StrCat(item_path, ".", field_name);
            PB_ASSIGN_OR_RETURN(FieldSchema field,
                                ParseField(field_name, field_entry.second, field_path));
            absl::Status added = type->AddOrReplaceField(std::move(field));
            if (!added.ok()) return Bad(field_path, added.message());
          }
        } else {
          return Bad(item_path, "unknown key (expected display_name, name_field, fields)");
        }
      }
      if (const FieldSchema* name_field = type->FindField(type->name_field)) {
        for (FieldSchema& f : type->fields) {
          if (f.name == name_field->name) f.indexed = true;
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("config: invalid YAML at line ",
                                                   e.mark.line + 1, ": ", e.msg));
  }
  return Validate();
}

absl::StatusOr<Schema> Schema::DefaultWithYaml(absl::string_view yaml) {
  Schema schema = Default();
  PB_RETURN_IF_ERROR(schema.MergeYaml(yaml));
  return schema;
}

}  // namespace pipebridge::core::entities
