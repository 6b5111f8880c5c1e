#include "adapters/grpc/server_stream_call.h"

namespace pipebridge::grpc_adapter {

grpc::ServerWriteReactor<grpc::ByteBuffer>* ServerStreamCall::Start(
    const rpc::Dispatcher& dispatcher, const rpc::Method& method,
    grpc::CallbackServerContext* server_context, const grpc::ByteBuffer* request) {
  auto* call = new ServerStreamCall(dispatcher, method, server_context);
  call->request_.reset(method.request_prototype->New());
  absl::Status parsed = ParseMessage(*request, call->request_.get());
  if (!parsed.ok()) {
    call->Finish(parsed);
    return call->HandOver();
  }
  std::lock_guard<std::mutex> callbacks(call->callback_mutex_);
  call->Adopt(dispatcher.StartServerStream(call->ctx_, *call->request_, *call));
  return call->HandOver();
}

}  // namespace pipebridge::grpc_adapter
