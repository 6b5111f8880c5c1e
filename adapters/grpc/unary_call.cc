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
    call->Finish(ToGrpcStatus(parsed));
    return call;
  }
  dispatcher.CallUnary(call->ctx_, *call->request_, call->response_.get(),
                       [call](absl::Status status) {
                         if (status.ok()) SerializeMessage(*call->response_, call->response_buffer_);
                         call->Finish(ToGrpcStatus(status));
                       });
  return call;
}

void UnaryCall::OnCancel() { ctx_.Cancel(); }

void UnaryCall::OnDone() { delete this; }

}  // namespace pipebridge::grpc_adapter
