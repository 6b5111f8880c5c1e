#include "bridge/rpc/deadline_interceptor.h"

#include <algorithm>

#include "bridge/rpc/method_table.h"

namespace pipebridge::rpc {

absl::Status DeadlineInterceptor::OnCallStart(CallContext& ctx) {
  const bool streaming = ctx.method().kind != MethodKind::kUnary;
  std::optional<absl::Duration> requested = ctx.requested_timeout();
  if (requested.has_value() && *requested <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError("the call's deadline had passed before it started");
  }
  if (streaming && !requested.has_value()) {
    ctx.set_deadline(absl::InfiniteFuture());
    return absl::OkStatus();
  }
  absl::Duration timeout = requested.value_or(policy_.default_timeout);
  if (!streaming) timeout = std::min(timeout, policy_.max_timeout);
  ctx.set_deadline(ctx.start_time() + timeout);
  return absl::OkStatus();
}

}  // namespace pipebridge::rpc
