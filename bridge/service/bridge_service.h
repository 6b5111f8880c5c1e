// Handlers of pipebridge.v1.BridgeService.
#pragma once

#include "absl/status/status.h"
#include "bridge/rpc/method_table.h"
#include "bridge/service/server_info.h"

namespace pipebridge::service {

// `info` must outlive the table.
absl::Status RegisterBridgeService(rpc::MethodTable& table, const ServerInfo& info);

}  // namespace pipebridge::service
