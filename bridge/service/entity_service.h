// Handlers of pipebridge.v1.EntityService over the project's entity store.
#pragma once

#include "absl/status/status.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::service {

// `store` must outlive the table.
absl::Status RegisterEntityService(rpc::MethodTable& table, core::entities::EntityStore& store);

// Find-style paging: the server default page size and its cap (see common.proto Page).
inline constexpr int kDefaultPageLimit = 500;
inline constexpr int kMaxPageLimit = 5000;

}  // namespace pipebridge::service
