// Gives every call a deadline: the client's, capped at a maximum, or a default.
#pragma once

#include "absl/time/time.h"
#include "bridge/rpc/interceptor.h"

namespace pipebridge::rpc {

struct DeadlinePolicy {
  // For calls that name no timeout.
  absl::Duration default_timeout = absl::Seconds(30);
  // No call waits longer, whatever it asks. Streams (subscriptions, host sessions) are
  // exempt: they live until the client or the server ends them.
  absl::Duration max_timeout = absl::Minutes(10);
};

class DeadlineInterceptor : public Interceptor {
 public:
  explicit DeadlineInterceptor(DeadlinePolicy policy) : policy_(policy) {}
  // DEADLINE_EXCEEDED for a timeout of zero or less; otherwise sets ctx.deadline().
  absl::Status OnCallStart(CallContext& ctx) override;

 private:
  DeadlinePolicy policy_;
};

}  // namespace pipebridge::rpc
