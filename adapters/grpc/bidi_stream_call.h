// One bidirectional gRPC call (e.g. HostService/Attach): reads one message at a time and
// hands each to the handler before reading the next.
#pragma once

#include "adapters/grpc/stream_call.h"

namespace pipebridge::grpc_adapter {

class BidiStreamCall
    : public StreamCall<grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>> {
 public:
  // Starts the handler, then the first read; deletes itself in OnDone.
  static grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Start(
      const rpc::Dispatcher& dispatcher, const rpc::Method& method,
      grpc::CallbackServerContext* server_context);

  void OnReadDone(bool ok) override;

 private:
  using StreamCall::StreamCall;
  grpc::ByteBuffer read_buffer_;
  std::unique_ptr<google::protobuf::Message> message_;
};

}  // namespace pipebridge::grpc_adapter
