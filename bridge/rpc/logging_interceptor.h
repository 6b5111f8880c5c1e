// One log line per call: failures at info (warning for internal errors), successes at debug.
#pragma once

#include "bridge/rpc/interceptor.h"

namespace pipebridge::rpc {

class LoggingInterceptor : public Interceptor {
 public:
  void OnCallEnd(CallContext& ctx, const absl::Status& status) override;
};

}  // namespace pipebridge::rpc
