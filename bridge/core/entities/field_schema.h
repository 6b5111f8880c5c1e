// The typed field schema of one entity field (ShotGrid data types).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

enum class FieldType {
  kText,         // string
  kNumber,       // 64-bit integer
  kFloat,        // double
  kBool,         // ShotGrid "checkbox"; never null (null writes false)
  kDate,         // "YYYY-MM-DD"
  kDateTime,     // RFC 3339 in, "YYYY-MM-DDTHH:MM:SSZ" (UTC) out
  kEntity,       // single link {"type":"Shot","id":42}
  kMultiEntity,  // list of links
  kList,         // string from valid_values (any string when none declared)
  kJson,         // any JSON value
};

// Names as used in config and Schema results: text, number, float, bool
// (alias checkbox), date, date_time, entity, multi_entity, list, json.
absl::string_view FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(absl::string_view name);

struct FieldSchema {
  std::string name;
  std::string display_name;
  FieldType type = FieldType::kText;
  // kEntity/kMultiEntity: the entity types a link may point at (empty: any).
  std::vector<std::string> link_types;
  // kList: allowed values (empty: any string).
  std::vector<std::string> valid_values;
  // Writable through Create/Update (false for id, created_at, updated_at).
  bool editable = true;
  // Has an index of its own (entity links, list fields and name fields always do).
  bool indexed = false;

  bool AllowsLinkTo(absl::string_view entity_type) const;
  bool AllowsValue(absl::string_view value) const;
  nlohmann::json ToJson() const;
};

// Field names: lower snake case, [a-z][a-z0-9_]*, at most 64 characters.
bool IsValidFieldName(absl::string_view name);
// Entity type names: [A-Z][A-Za-z0-9_]*, at most 64 characters.
bool IsValidTypeName(absl::string_view name);

}  // namespace pipebridge::core::entities
