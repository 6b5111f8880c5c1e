// Runs calls: the interceptor chain, then the method's handler. Every transport calls into
// a Dispatcher; none calls a handler directly.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/rpc/call_context.h"
#include "bridge/rpc/executor.h"
#include "bridge/rpc/interceptor.h"
#include "bridge/rpc/logger.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::rpc {

class Dispatcher {
 public:
  // `blocking` runs the handlers of Execution::kBlocking methods; without one they run
  // inline like every other. It must outlive every call in flight.
  Dispatcher(const MethodTable& methods, std::vector<std::unique_ptr<Interceptor>> chain,
             const Logger& logger, Executor* blocking = nullptr)
      : methods_(methods), chain_(std::move(chain)), logger_(logger), blocking_(blocking) {}

  const MethodTable& methods() const { return methods_; }
  const Logger& logger() const { return logger_; }

  // A unary call. `done` runs exactly once with the final status, on the thread that
  // completes the handler (or this one when an interceptor refuses the call); `response`
  // is filled only when the status is OK. A kBlocking method's handler runs on the blocking
  // executor, unless the call was cancelled or its deadline passed while it waited there.
  void CallUnary(CallContext& ctx, const google::protobuf::Message& request,
                 google::protobuf::Message* response, UnaryDone done) const;

  // Streaming calls. The interceptor chain runs first: on refusal its status comes back
  // and nothing started. Otherwise the handler's observer comes back, and the transport
  // calls EndStream once the call has finished.
  absl::StatusOr<std::unique_ptr<StreamObserver>> StartServerStream(
      CallContext& ctx, const google::protobuf::Message& request, ServerStream& stream) const;
  absl::StatusOr<std::unique_ptr<StreamObserver>> StartBidiStream(CallContext& ctx,
                                                                   ServerStream& stream) const;
  void EndStream(CallContext& ctx, const absl::Status& status) const;

 private:
  // Runs OnCallStart along the chain; on refusal unwinds the ones that started.
  absl::Status Start(CallContext& ctx) const;
  void End(CallContext& ctx, const absl::Status& status, size_t started) const;

  const MethodTable& methods_;
  std::vector<std::unique_ptr<Interceptor>> chain_;
  const Logger& logger_;
  Executor* blocking_;
};

}  // namespace pipebridge::rpc
