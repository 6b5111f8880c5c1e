// A Create checked and encoded before its write transaction.
//
// EntityStore::PrepareCreate runs every check of a Create that needs no storage (the type,
// each field's name, editability and value shape, return_fields) and normalises the values.
// EntityStore::CreateInTransaction(txn, prepared, late_data) then only checks links against
// the file and runs the SQL. A writer that commits many creates together (group commit)
// prepares each one on its caller's thread, so the write lock covers storage work only.
#pragma once

#include <string>
#include <vector>

#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/entities/field_schema.h"
#include "bridge/core/sqlite/statement.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

// One field of a write with its value in canonical form (NormalizeFieldValue).
struct FieldValue {
  const FieldSchema* field = nullptr;
  nlohmann::json value;
};

// What a Create returns: the record (type, id, the fields in data with link
// names, return_fields), or only type, id and return_fields, for a caller that
// has the values it wrote and needs no link names (it skips their look-ups).
enum class CreateReturns { kRecord, kReturnFieldsOnly };

// Made by EntityStore::PrepareCreate; valid while that store lives. Immutable: one prepared
// Create may run several times (a group commit retries a failed batch one request at a time).
class PreparedCreate {
 public:
  const EntityTypeSchema& type() const { return *type_; }

 private:
  friend class EntityStore;

  const EntityTypeSchema* type_ = nullptr;
  std::vector<FieldValue> values_;  // In data's key order.
  // The INSERT's columns and parameters of values_[i]: [first_column_[i], first_column_[i + 1]).
  std::vector<std::string> columns_;
  std::vector<sqlite::Value> params_;
  std::vector<size_t> first_column_;
  std::vector<std::string> return_fields_;
  CreateReturns returns_ = CreateReturns::kRecord;
  std::string path_prefix_;
};

}  // namespace pipebridge::core::entities
