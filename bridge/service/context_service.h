// Handlers of pipebridge.v1.ContextService, and the Context <-> proto mapping other
// services (publishes) share.
#pragma once

#include "absl/status/statusor.h"
#include "bridge/core/context/context_resolver.h"
#include "bridge/rpc/method_table.h"
#include "pipebridge/v1/context.pb.h"

namespace pipebridge::service {

// `resolver` must outlive the table.
absl::Status RegisterContextService(rpc::MethodTable& table, const core::context::ContextResolver& resolver);

void ContextToProto(const core::context::Context& context, v1::Context* out);
// INVALID_ARGUMENT naming `where` ("context.entity.id: ...") for a malformed link.
absl::StatusOr<core::context::Context> ContextFromProto(const v1::Context& context,
                                                        const std::string& where = "context");

}  // namespace pipebridge::service
