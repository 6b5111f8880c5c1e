#include "adapters/grpc/unary_call.h"

#include "adapters/grpc/grpc_call.h"

namespace pipebridge::grpc_adapter {

UnaryCall::UnaryCall(const rpc::Dispatcher& dispatcher, const rpc::Method& method,
                     grpc::CallbackServerContext* server_context, grpc::ByteBuffer* response)
    : ctx_(method, PeerOf(*server_context), dispatcher.logger()),
      request_(method.request_prototype->New()),
      response_(method.response_prototype->New()),
      response_buffer_(response) {
  ReadCallMetadata(*server_context, ctx_);
}

grpc::ServerUnaryReactor* UnaryCall::Start(const rpc::Dispatcher& dispatcher,
                                           const rpc::Method& method,
                                           grpc::CallbackServerContext* server_context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) {
  auto* call = new UnaryCall(dispatcher, method, server_context, response);
  absl::Status parsed = ParseMessage(*request, call->request_.get());
  if (!parsed.ok()) {
    delete call;
    grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(parsed));
    return reactor;
  }
  dispatcher.CallUnary(call->ctx_, *call->request_, call->response_.get(),
                       [call](absl::Status status) { call->Complete(status); });
  int expected = kRunning;
  if (call->state_.compare_exchange_strong(expected, kReactorReturned, std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
    return call;
  }
  // The handler is done with the call (it called done, and touches nothing after it).
  grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
  reactor->Finish(call->final_status_);
  delete call;
  return reactor;
}

void UnaryCall::Complete(const absl::Status& status) {
  if (status.ok()) SerializeMessage(*response_, response_buffer_);
  final_status_ = ToGrpcStatus(status);
  int expected = kRunning;
  if (state_.compare_exchange_strong(expected, kCompletedInStart, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
    return;  // Start finishes it
  }
  Finish(final_status_);
}

void UnaryCall::OnCancel() { ctx_.Cancel(); }

void UnaryCall::OnDone() { delete this; }

}  // namespace pipebridge::grpc_adapter
