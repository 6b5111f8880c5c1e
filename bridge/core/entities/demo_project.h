// A small, realistic demo project for first runs, examples and tests.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_store.h"

namespace pipebridge::core::entities {

struct DemoProject {
  int64_t project_id = 0;
  bool created = false;  // false: a Project with code "demo" already existed.
};

// Creates, in one transaction, Project "Demo" (code demo, tank_name demo),
// sequences sq010/sq020, six shots, five assets (Character, Prop,
// Environment), the steps model/rig/surfacing/layout/anim/lighting/comp,
// three users and a handful of tasks. Idempotent: when a Project with code
// "demo" exists (even retired) nothing is written. Change records are emitted
// as for any write.
absl::StatusOr<DemoProject> SeedDemoProject(EntityStore& store);

}  // namespace pipebridge::core::entities
