#include "bridge/rpc/logging_interceptor.h"

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "bridge/rpc/logger.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::rpc {

void LoggingInterceptor::OnCallEnd(CallContext& ctx, const absl::Status& status) {
  LogLevel level = LogLevel::kDebug;
  if (!status.ok()) {
    const bool server_fault = status.code() == absl::StatusCode::kInternal ||
                              status.code() == absl::StatusCode::kDataLoss ||
                              status.code() == absl::StatusCode::kUnknown;
    level = server_fault ? LogLevel::kWarning : LogLevel::kInfo;
  }
  const Logger& logger = ctx.logger();
  if (!logger.Enabled(level)) return;
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - ctx.start_time());
  const std::string code = absl::StatusCodeToString(status.code());
  logger.Log(level, "call",
             {{"method", ctx.method().full_name},
              {"transport", ctx.peer().transport},
              {"peer", ctx.peer().address},
              {"code", code},
              {"ms", ms},
              {"error", status.message()}});
}

}  // namespace pipebridge::rpc
