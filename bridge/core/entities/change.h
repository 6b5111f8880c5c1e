// Change records: what every write to the entity store did, for the event log.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bridge/core/sqlite/transaction.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

enum class ChangeOperation { kCreate, kUpdate, kRetire, kRevive };

// "create", "update", "retire", "revive".
absl::string_view ChangeOperationName(ChangeOperation operation);

struct FieldChange {
  std::string field;
  nlohmann::json old_value;  // Canonical stored form; links as {"type","id"}.
  nlohmann::json new_value;
};

struct ChangeRecord {
  std::string entity_type;
  int64_t id = 0;
  ChangeOperation operation = ChangeOperation::kCreate;
  // create: every field given in data (old_value null); update: only fields
  // whose value changed; retire/revive: empty.
  std::vector<FieldChange> changes;
  absl::Time time;  // The store clock's time of the write (updated_at).
};

// Called once per change, on the writing thread, INSIDE the write's SQLite
// transaction and while the store's write lock is held: rows it writes through
// `txn.connection()` commit or roll back with the change. A non-OK status
// rolls the whole write (or batch) back and is returned to the caller. The
// listener must not call the store's own write methods (they would refuse:
// nested write); it may read through `txn.connection()`.
using ChangeListener =
    std::function<absl::Status(sqlite::Transaction& txn, const ChangeRecord& change)>;

nlohmann::json ChangeRecordToJson(const ChangeRecord& change);

}  // namespace pipebridge::core::entities
