// The interceptor chain: what every call goes through on every transport (auth, deadlines,
// limits, logging), once, before and after its handler.
#pragma once

#include "absl/status/status.h"
#include "bridge/rpc/call_context.h"

namespace pipebridge::rpc {

class Interceptor {
 public:
  virtual ~Interceptor() = default;
  // Runs before the handler, in chain order. A non-OK status ends the call with it: the
  // handler and the later interceptors never run, and OnCallEnd runs only for the
  // interceptors whose OnCallStart already succeeded.
  virtual absl::Status OnCallStart(CallContext& ctx) { return absl::OkStatus(); }
  // Runs once the call has ended, whatever the outcome, in reverse chain order.
  virtual void OnCallEnd(CallContext& ctx, const absl::Status& status) {}
};

}  // namespace pipebridge::rpc
