#include "bridge/core/entities/entity_schema.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace pipebridge::core::entities {

std::vector<FieldSchema> SystemFields() {
  FieldSchema id{"id", "Id", FieldType::kNumber, {}, {}, /*editable=*/false, /*indexed=*/false};
  FieldSchema created{"created_at", "Date Created", FieldType::kDateTime, {}, {}, false, false};
  FieldSchema updated{"updated_at", "Date Updated", FieldType::kDateTime, {}, {}, false, false};
  return {id, created, updated};
}

const FieldSchema* EntityTypeSchema::FindField(absl::string_view field) const {
  for (const FieldSchema& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

absl::Status EntityTypeSchema::AddOrReplaceField(FieldSchema field) {
  for (FieldSchema& existing : fields) {
    if (existing.name != field.name) continue;
    if (!existing.editable) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"", field.name, "\" is a system field and cannot be redefined"));
    }
    if (existing.type != field.type) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field \"", field.name, "\" is already a ", FieldTypeName(existing.type), " field on ",
          name, "; it cannot become ", FieldTypeName(field.type)));
    }
    if (field.display_name.empty()) field.display_name = existing.display_name;
    field.indexed = field.indexed || existing.indexed;
    existing = std::move(field);
    return absl::OkStatus();
  }
  fields.push_back(std::move(field));
  return absl::OkStatus();
}

nlohmann::json EntityTypeSchema::ToJson() const {
  nlohmann::json field_map = nlohmann::json::object();
  for (const FieldSchema& f : fields) field_map[f.name] = f.ToJson();
  return {{"name", name},
          {"display_name", display_name},
          {"name_field", name_field},
          {"fields", std::move(field_map)}};
}

const EntityTypeSchema* Schema::FindType(absl::string_view type) const {
  auto it = index_.find(type);
  return it == index_.end() ? nullptr : &types_[it->second];
}

EntityTypeSchema* Schema::MutableType(absl::string_view type) {
  auto it = index_.find(type);
  return it == index_.end() ? nullptr : &types_[it->second];
}

absl::Status Schema::AddType(EntityTypeSchema type) {
  if (!IsValidTypeName(type.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid entity type name \"", type.name, "\" (expected [A-Z][A-Za-z0-9_]*)"));
  }
  if (index_.count(type.name) != 0) {
    return absl::AlreadyExistsError(absl::StrCat("entity type ", type.name, " already exists"));
  }
  index_.emplace(type.name, types_.size());
  types_.push_back(std::move(type));
  return absl::OkStatus();
}

absl::Status Schema::Validate() const {
  for (const EntityTypeSchema& type : types_) {
    if (type.FindField(type.name_field) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entity_types.", type.name, ".name_field: no field \"", type.name_field, "\""));
    }
    for (const FieldSchema& field : type.fields) {
      for (const std::string& link : field.link_types) {
        if (FindType(link) == nullptr) {
          return absl::InvalidArgumentError(
              absl::StrCat("entity_types.", type.name, ".fields.", field.name,
                           ".link_types: unknown entity type \"", link, "\""));
        }
      }
    }
  }
  return absl::OkStatus();
}

nlohmann::json Schema::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const EntityTypeSchema& type : types_) out[type.name] = type.ToJson();
  return out;
}

}  // namespace pipebridge::core::entities
