// A publish's context: shape checks (no storage) and resolution against the
// entity store (the linked records exist; project and step derived).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/sqlite/transaction.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::publishes {

// One link of a context: {"type": "Shot", "id": 42}; type empty when unset.
struct ContextLink {
  std::string type;
  int64_t id = 0;
  // The linked record's name (its type's name field), as reads return it in
  // links; filled by ResolveContext, null before.
  nlohmann::json name;

  bool set() const { return id != 0; }
  nlohmann::json ToJson() const;  // {"type", "id"}; null when unset
  nlohmann::json ToJsonWithName() const;  // {"type", "id", "name"}; null when unset
};

struct ContextLinks {
  ContextLink project, entity, step, task, user;
};

// Checks the shape of a context JSON object: an object whose keys are among
// project, entity, step, task, user (null or a link {"type", "id" > 0}; other
// link keys such as "name" are ignored); entity required; project/step/task/
// user must link to Project/Step/Task/HumanUser. INVALID_ARGUMENT naming
// `<path>.entity`, `<path>.task.id`, ...
absl::StatusOr<ContextLinks> ParseContext(const nlohmann::json& context, const std::string& path = "context");

// Inside a write transaction: every set link names an existing, active
// record of a type the schema knows and PublishedFile may link to; the project
// is taken from the entity's project field when unset (and must match it when
// both are set); the step from the task's step when unset; the task must
// belong to the entity. INVALID_ARGUMENT naming the link otherwise. Every set
// link of the result has its name.
absl::StatusOr<ContextLinks> ResolveContext(entities::EntityStore& store, sqlite::Transaction& txn,
                                            ContextLinks links, const std::string& path = "context");

}  // namespace pipebridge::core::publishes
