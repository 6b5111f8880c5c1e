// Entity types and their fields: the built-in ShotGrid-like types plus custom
// types and fields declared in YAML.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/entities/field_schema.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

struct EntityTypeSchema {
  std::string name;
  std::string display_name;
  // The field whose value is a link's "name" ("code" for most types,
  // "name" for Project/HumanUser, "content" for Task).
  std::string name_field = "code";
  // Declaration order; always starts with id, created_at, updated_at.
  std::vector<FieldSchema> fields;

  const FieldSchema* FindField(absl::string_view field) const;
  // Adds `field`, or replaces an existing field of the same data type (so a
  // studio can change a status list). A different data type is an error.
  absl::Status AddOrReplaceField(FieldSchema field);
  nlohmann::json ToJson() const;
};

// Immutable once a store is open; safe to share between threads for reading.
class Schema {
 public:
  // Project, Sequence, Shot, Asset, Step, Task, HumanUser, Version,
  // PublishedFile with their default fields.
  static Schema Default();
  // Default() with `yaml` merged (see MergeYaml).
  static absl::StatusOr<Schema> DefaultWithYaml(absl::string_view yaml);

  // Merges a YAML document:
  //
  //   entity_types:
  //     CustomEntity01:                # a new type (gets code, description, project)
  //       display_name: Prop           # optional
  //       name_field: code             # optional, default code
  //       fields:
  //         code: text                 # short form: the data type name
  //         sg_weight: float
  //         sg_kind: {type: list, valid_values: [hero, background]}
  //         sg_owner: {type: entity, link_types: [HumanUser], indexed: true}
  //         sg_props: {type: multi_entity, link_types: [Asset], display_name: Props}
  //     Shot:                          # an existing type: add or adjust fields
  //       fields:
  //         sg_frame_rate: float
  //         sg_status_list: {type: list, valid_values: [wtg, ip, fin, omt]}
  //
  // Data types: text, number, float, bool (or checkbox), date, date_time,
  // entity, multi_entity, list, json. Errors are INVALID_ARGUMENT naming the
  // element, e.g. `entity_types.Prop.fields.sg_kind.type: unknown data type "lst"`.
  // Links must name types that exist once the whole document is merged.
  absl::Status MergeYaml(absl::string_view yaml);

  const EntityTypeSchema* FindType(absl::string_view type) const;
  // Adds a type (error if it exists or its name is invalid).
  absl::Status AddType(EntityTypeSchema type);
  const std::vector<EntityTypeSchema>& types() const { return types_; }
  // Every link type names a known type; every name_field exists.
  absl::Status Validate() const;

  // {"Shot": {"display_name":..., "name_field":..., "fields": {"code": {...}}}}
  nlohmann::json ToJson() const;

  // Mutable access for configuration code.
  EntityTypeSchema* MutableType(absl::string_view type);

 private:
  std::vector<EntityTypeSchema> types_;
  std::map<std::string, size_t, std::less<>> index_;
};

// The fields every type has: id (number), created_at, updated_at (date_time),
// all read-only.
std::vector<FieldSchema> SystemFields();

}  // namespace pipebridge::core::entities
