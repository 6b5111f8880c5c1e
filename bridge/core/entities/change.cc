#include "bridge/core/entities/change.h"

#include "bridge/core/entities/value_codec.h"

namespace pipebridge::core::entities {

absl::string_view ChangeOperationName(ChangeOperation operation) {
  switch (operation) {
    case ChangeOperation::kCreate: return "create";
    case ChangeOperation::kUpdate: return "update";
    case ChangeOperation::kRetire: return "retire";
    case ChangeOperation::kRevive: return "revive";
  }
  return "update";
}

nlohmann::json ChangeRecordToJson(const ChangeRecord& change) {
  nlohmann::json changes = nlohmann::json::array();
  for (const FieldChange& c : change.changes) {
    changes.push_back({{"field", c.field}, {"old_value", c.old_value}, {"new_value", c.new_value}});
  }
  return {{"entity_type", change.entity_type},
          {"id", change.id},
          {"operation", ChangeOperationName(change.operation)},
          {"changes", std::move(changes)},
          {"time", FormatDateTime(change.time)}};
}

}  // namespace pipebridge::core::entities
