#include "adapters/grpc/unary_call.h"

#include "adapters/grpc/grpc_call.h"
#include "adapters/grpc/tsan_handoff.h"

namespace pipebridge::grpc_adapter {

UnaryCall::UnaryCall(const rpc::Dispatcher& dispatcher, const rpc::Method& method)
    : dispatcher_(dispatcher),
      ctx_(method, GrpcPeer(), dispatcher.logger()),
      request_message_(method.request_prototype->New()),
      response_message_(method.response_prototype->New()) {
  parsed_request_.message = request_message_.get();
  response_handle_.message = response_message_.get();
  set_request(&parsed_request_);
  set_response(&response_handle_);
}

grpc::ServerUnaryReactor* UnaryCall::Start(grpc::CallbackServerContext* server_context) {
  // The holder gRPC got from UnaryCallAllocator for this call.
  auto* call = static_cast<UnaryCall*>(server_context->GetRpcAllocatorState());
  if (!call->parsed_request_.parsed) {
    grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(PayloadNotParsed(*call->request_message_->GetDescriptor())));
    return reactor;
  }
  ReadCallMetadata(*server_context, call->ctx_);
  call->dispatcher_.CallUnary(call->ctx_, *call->request_message_, call->response_message_.get(),
                              [call](absl::Status status) { call->Complete(status); });
  int expected = kRunning;
  if (call->state_.compare_exchange_strong(expected, kReactorReturned, std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
    TsanReleaseToGrpc(call);
    return call;
  }
  // The handler is done with the call (it called done, and touches nothing after it).
  grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
  reactor->Finish(call->final_status_);
  return reactor;
}

void UnaryCall::Complete(const absl::Status& status) {
  final_status_ = ToGrpcStatus(status);
  int expected = kRunning;
  if (state_.compare_exchange_strong(expected, kCompletedInStart, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
    return;  // Start finishes it
  }
  Finish(final_status_);
}

void UnaryCall::OnCancel() {
  TsanAcquireFromGrpc(this);
  ctx_.Cancel();
}

}  // namespace pipebridge::grpc_adapter
