// One unary gRPC call: owns its request, response and CallContext until gRPC is done.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>

#include "bridge/rpc/dispatcher.h"

namespace pipebridge::grpc_adapter {

class UnaryCall : public grpc::ServerUnaryReactor {
 public:
  // Parses the request and dispatches it. A handler that answers before Start returns (most
  // do) is finished through gRPC's default reactor and the call deleted at once: gRPC runs
  // the default reactor's OnDone inline, but hands ours to its executor, a thread wake-up per
  // call. A handler still working when Start returns gets this call as its reactor, which
  // forwards cancellation and deletes itself in OnDone.
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
  // The handler's done: serializes the response, then finishes as the state says.
  void Complete(const absl::Status& status);

  // Who finishes the call: Start (the handler completed first) or Complete (Start returned
  // this call as the reactor first). Whichever moves the state out of kRunning decides.
  enum State { kRunning, kCompletedInStart, kReactorReturned };
  std::atomic<int> state_{kRunning};
  grpc::Status final_status_;

  rpc::CallContext ctx_;
  std::unique_ptr<google::protobuf::Message> request_;
  std::unique_ptr<google::protobuf::Message> response_;
  grpc::ByteBuffer* response_buffer_;
};

}  // namespace pipebridge::grpc_adapter
