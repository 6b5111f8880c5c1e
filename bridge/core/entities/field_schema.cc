#include "bridge/core/entities/field_schema.h"

#include <algorithm>

namespace pipebridge::core::entities {

absl::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kNumber: return "number";
    case FieldType::kFloat: return "float";
    case FieldType::kBool: return "bool";
    case FieldType::kDate: return "date";
    case FieldType::kDateTime: return "date_time";
    case FieldType::kEntity: return "entity";
    case FieldType::kMultiEntity: return "multi_entity";
    case FieldType::kList: return "list";
    case FieldType::kJson: return "json";
  }
  return "text";
}

std::optional<FieldType> ParseFieldType(absl::string_view name) {
  if (name == "text") return FieldType::kText;
  if (name == "number") return FieldType::kNumber;
  if (name == "float") return FieldType::kFloat;
  if (name == "bool" || name == "checkbox") return FieldType::kBool;
  if (name == "date") return FieldType::kDate;
  if (name == "date_time") return FieldType::kDateTime;
  if (name == "entity") return FieldType::kEntity;
  if (name == "multi_entity") return FieldType::kMultiEntity;
  if (name == "list") return FieldType::kList;
  if (name == "json") return FieldType::kJson;
  return std::nullopt;
}

bool FieldSchema::AllowsLinkTo(absl::string_view entity_type) const {
  return link_types.empty() ||
         std::find(link_types.begin(), link_types.end(), entity_type) != link_types.end();
}

bool FieldSchema::AllowsValue(absl::string_view value) const {
  return valid_values.empty() ||
         std::find(valid_values.begin(), valid_values.end(), value) != valid_values.end();
}

nlohmann::json FieldSchema::ToJson() const {
  nlohmann::json out = {{"name", name},
                        {"display_name", display_name},
                        {"data_type", FieldTypeName(type)},
                        {"editable", editable}};
  if (type == FieldType::kEntity || type == FieldType::kMultiEntity) out["link_types"] = link_types;
  if (type == FieldType::kList) out["valid_values"] = valid_values;
  return out;
}

namespace {
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool IsValidFieldName(absl::string_view name) {
  if (name.empty() || name.size() > 64 || !IsLower(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsLower(c) || IsDigit(c) || c == '_'; });
}

bool IsValidTypeName(absl::string_view name) {
  if (name.empty() || name.size() > 64 || !IsUpper(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_';
  });
}

}  // namespace pipebridge::core::entities
