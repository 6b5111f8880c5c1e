// One unary gRPC call: owns its request and response messages and its CallContext from the
// moment gRPC receives the request until gRPC is done with the call.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>

#include <atomic>
#include <memory>

#include "adapters/grpc/unary_messages.h"
#include "bridge/rpc/dispatcher.h"

namespace pipebridge::grpc_adapter {

// gRPC asks the method's UnaryCallAllocator for the call's messages before it parses the
// request into them, then runs Start, and releases the call after its last callback: one
// allocation per call holds the messages, the CallContext and the reactor.
class UnaryCall : public grpc::ServerUnaryReactor,
                  public grpc::MessageHolder<UnaryRequest, UnaryResponse> {
 public:
  UnaryCall(const rpc::Dispatcher& dispatcher, const rpc::Method& method);

  // The method handler: dispatches the parsed request. A handler that answers before Start
  // returns (most do) is finished through gRPC's default reactor, whose OnDone gRPC runs
  // inline; ours it hands to its executor, a thread wake-up per call. A handler still
  // working when Start returns gets this call as its reactor, which forwards cancellation.
  static grpc::ServerUnaryReactor* Start(grpc::CallbackServerContext* server_context);

  void OnCancel() override;
  void OnDone() override {}
  // gRPC's last act on the call, after OnDone of whichever reactor finished it.
  void Release() override { delete this; }

 private:
  // The handler's done: finishes as the state says.
  void Complete(const absl::Status& status);

  // Who finishes the call: Start (the handler completed first) or Complete (Start returned
  // this call as the reactor first). Whichever moves the state out of kRunning decides.
  enum State { kRunning, kCompletedInStart, kReactorReturned };
  std::atomic<int> state_{kRunning};
  grpc::Status final_status_;

  const rpc::Dispatcher& dispatcher_;
  rpc::CallContext ctx_;
  std::unique_ptr<google::protobuf::Message> request_message_;
  std::unique_ptr<google::protobuf::Message> response_message_;
  UnaryRequest parsed_request_;
  UnaryResponse response_handle_;
};

// Makes the calls of one unary method; lives as long as the gRPC service it serves.
class UnaryCallAllocator : public grpc::MessageAllocator<UnaryRequest, UnaryResponse> {
 public:
  UnaryCallAllocator(const rpc::Dispatcher& dispatcher, const rpc::Method& method)
      : dispatcher_(dispatcher), method_(method) {}
  grpc::MessageHolder<UnaryRequest, UnaryResponse>* AllocateMessages() override {
    return new UnaryCall(dispatcher_, method_);
  }

 private:
  const rpc::Dispatcher& dispatcher_;
  const rpc::Method& method_;
};

}  // namespace pipebridge::grpc_adapter
