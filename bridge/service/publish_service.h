// Handlers of pipebridge.v1.PublishService over the publishes core.
#pragma once

#include "absl/status/status.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::service {

// `publishes` must outlive the table.
absl::Status RegisterPublishService(rpc::MethodTable& table, core::publishes::PublishStore& publishes);

}  // namespace pipebridge::service
