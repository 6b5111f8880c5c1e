// One unary gRPC call: owns its request, response and CallContext until gRPC is done.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "bridge/rpc/dispatcher.h"

namespace pipebridge::grpc_adapter {

class UnaryCall : public grpc::ServerUnaryReactor {
 public:
  // Parses the request and dispatches it; the call finishes itself and deletes itself in OnDone.
  static grpc::ServerUnaryReactor* Start(const rpc::Dispatcher& dispatcher,
                                         const rpc::Method& method,
                                         grpc::CallbackServerContext* server_context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response);

  void OnCancel() override;
  void OnDone() override;

 private:
  UnaryCall(const rpc::Dispatcher& dispatcher, const rpc::Method& method,
            grpc::CallbackServerContext* server_context, grpc::ByteBuffer* response);

  rpc::CallContext ctx_;
  std::unique_ptr<google::protobuf::Message> request_;
  std::unique_ptr<google::protobuf::Message> response_;
  grpc::ByteBuffer* response_buffer_;
};

}  // namespace pipebridge::grpc_adapter
