#include "adapters/grpc/bidi_stream_call.h"

namespace pipebridge::grpc_adapter {

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* BidiStreamCall::Start(
    const rpc::Dispatcher& dispatcher, const rpc::Method& method,
    grpc::CallbackServerContext* server_context) {
  auto* call = new BidiStreamCall(dispatcher, method, server_context);
  call->message_.reset(method.request_prototype->New());
  std::lock_guard<std::mutex> callbacks(call->callback_mutex_);
  call->Adopt(dispatcher.StartBidiStream(call->ctx_, *call));
  if (call->started_ && !call->finishing()) call->StartRead(&call->read_buffer_);
  return call->HandOver();
}

void BidiStreamCall::OnReadDone(bool ok) {
  if (!ok) {
    std::lock_guard<std::mutex> callbacks(callback_mutex_);
    if (observer_) observer_->OnReadsDone();
    return;
  }
  message_->Clear();
  absl::Status parsed = ParseMessage(read_buffer_, message_.get());
  if (!parsed.ok()) {
    Finish(parsed);
    return;
  }
  {
    std::lock_guard<std::mutex> callbacks(callback_mutex_);
    if (observer_) observer_->OnMessage(*message_);
  }
  if (!finishing()) StartRead(&read_buffer_);
}

}  // namespace pipebridge::grpc_adapter
