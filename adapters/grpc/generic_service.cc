// The only file that touches gRPC's internal method API (grpc::internal::*): the stable
// public alternative, grpc::CallbackGenericService, would route every method through one
// handler with a string lookup. Unary methods are typed over the method's own messages
// (unary_messages.h), as generated code is; the streaming ones take raw ByteBuffers.
#include "adapters/grpc/generic_service.h"

#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>

#include "adapters/grpc/bidi_stream_call.h"
#include "adapters/grpc/server_stream_call.h"
#include "adapters/grpc/unary_call.h"

namespace pipebridge::grpc_adapter {
namespace {

using grpc::ByteBuffer;
using grpc::CallbackServerContext;

class GenericService : public grpc::Service {
 public:
  GenericService(const rpc::Dispatcher& dispatcher, const rpc::MethodTable& methods,
                 const google::protobuf::ServiceDescriptor* service) {
    int index = 0;
    for (const auto& owned : methods.methods()) {
      const rpc::Method* method = owned.get();
      if (method->descriptor->service() != service) continue;
      // gRPC keeps the name pointer; Method::grpc_path lives as long as the table. The
      // method's type must match the descriptor, or gRPC drops the request payload.
      switch (method->kind) {
        case rpc::MethodKind::kUnary:
          AddMethod(new grpc::internal::RpcServiceMethod(
              method->grpc_path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
          {
            auto* handler = new grpc::internal::CallbackUnaryHandler<UnaryRequest, UnaryResponse>(
                [](CallbackServerContext* context, const UnaryRequest*, UnaryResponse*) {
                  return UnaryCall::Start(context);
                });
            allocators_.push_back(std::make_unique<UnaryCallAllocator>(dispatcher, *method));
            handler->SetMessageAllocator(allocators_.back().get());
            MarkMethodCallback(index, handler);
          }
          break;
        case rpc::MethodKind::kServerStreaming:
          AddMethod(new grpc::internal::RpcServiceMethod(
              method->grpc_path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING, nullptr));
          MarkMethodRawCallback(
              index, new grpc::internal::CallbackServerStreamingHandler<ByteBuffer, ByteBuffer>(
                         [&dispatcher, method](CallbackServerContext* context,
                                               const ByteBuffer* request) {
                           return ServerStreamCall::Start(dispatcher, *method, context, request);
                         }));
          break;
        case rpc::MethodKind::kBidiStreaming:
          AddMethod(new grpc::internal::RpcServiceMethod(
              method->grpc_path.c_str(), grpc::internal::RpcMethod::BIDI_STREAMING, nullptr));
          MarkMethodRawCallback(
              index, new grpc::internal::CallbackBidiHandler<ByteBuffer, ByteBuffer>(
                         [&dispatcher, method](CallbackServerContext* context) {
                           return BidiStreamCall::Start(dispatcher, *method, context);
                         }));
          break;
      }
      ++index;
    }
  }

 private:
  // Each unary method's calls come from its allocator, which gRPC only borrows.
  std::vector<std::unique_ptr<UnaryCallAllocator>> allocators_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeGenericServices(const rpc::Dispatcher& dispatcher,
                                                                const rpc::MethodTable& methods) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  for (const auto* service : methods.services()) {
    services.push_back(std::make_unique<GenericService>(dispatcher, methods, service));
  }
  return services;
}

}  // namespace pipebridge::grpc_adapter
