// One server-streaming gRPC call (e.g. EventService/Subscribe).
#pragma once

#include "adapters/grpc/stream_call.h"

namespace pipebridge::grpc_adapter {

class ServerStreamCall : public StreamCall<grpc::ServerWriteReactor<grpc::ByteBuffer>> {
 public:
  // Parses the request and starts the handler; deletes itself in OnDone.
  static grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(
      const rpc::Dispatcher& dispatcher, const rpc::Method& method,
      grpc::CallbackServerContext* server_context, const grpc::ByteBuffer* request);

 private:
  using StreamCall::StreamCall;
  std::unique_ptr<google::protobuf::Message> request_;
};

}  // namespace pipebridge::grpc_adapter
