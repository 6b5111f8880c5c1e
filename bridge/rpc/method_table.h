// The method table: every RPC of the contract by full name, with its handler. Built from
// the contract's service descriptors, so every transport serves every RPC with no
// per-method code; bridge/service fills in the handlers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bridge/rpc/call_context.h"
#include "bridge/rpc/stream.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace pipebridge::rpc {

enum class MethodKind { kUnary, kServerStreaming, kBidiStreaming };

// Who may call a method: everyone with the bridge's token, or anyone (grpc.health.v1 only:
// launchers and supervisors probe health before they know the token).
enum class Access { kToken, kPublic };

// Where a unary handler runs. kInline: on the transport's thread that received the call, for
// handlers that never wait (Ping, templates, host routing). kBlocking: on the dispatcher's
// blocking executor, for handlers that wait on the store (a durable commit's fsync, a long
// Find): the JSON transports have two I/O threads for every connection, which must keep
// serving meanwhile.
enum class Execution { kInline, kBlocking };

// Completes a unary call. Called exactly once, from any thread.
using UnaryDone = std::function<void(absl::Status)>;
using UnaryHandler =
    std::function<void(CallContext&, const google::protobuf::Message& request,
                       google::protobuf::Message* response, UnaryDone done)>;
using ServerStreamingHandler = std::function<std::unique_ptr<StreamObserver>(
    CallContext&, const google::protobuf::Message& request, ServerStream& stream)>;
using BidiStreamingHandler =
    std::function<std::unique_ptr<StreamObserver>(CallContext&, ServerStream& stream)>;

struct Method {
  // "pipebridge.v1.BridgeService/Ping": the name on every transport.
  std::string full_name;
  // "/pipebridge.v1.BridgeService/Ping": gRPC keeps a pointer to it, so it never moves.
  std::string grpc_path;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  MethodKind kind = MethodKind::kUnary;
  Access access = Access::kToken;
  Execution execution = Execution::kInline;  // unary methods only
  const google::protobuf::Message* request_prototype = nullptr;
  const google::protobuf::Message* response_prototype = nullptr;
  // Exactly the one matching `kind` is set.
  UnaryHandler unary;
  ServerStreamingHandler server_streaming;
  BidiStreamingHandler bidi_streaming;
};

class MethodTable {
 public:
  MethodTable() = default;
  MethodTable(const MethodTable&) = delete;
  MethodTable& operator=(const MethodTable&) = delete;

  // Adds every method of `service`, each answering UNIMPLEMENTED until a handler is set.
  // Client-streaming methods are refused (the contract has none). ALREADY_EXISTS when the
  // service was added before.
  absl::Status AddService(const google::protobuf::ServiceDescriptor* service,
                          Access access = Access::kToken);

  // Every unary method of the service named `service_full_name` ("pipebridge.v1.EntityService")
  // runs as Execution::kBlocking. NOT_FOUND when no such service was added.
  absl::Status MarkBlocking(absl::string_view service_full_name);

  // nullptr when no such method.
  const Method* Find(absl::string_view full_name) const;
  // Every method, services in the order added, methods in declaration order.
  const std::vector<std::unique_ptr<Method>>& methods() const { return methods_; }
  const std::vector<const google::protobuf::ServiceDescriptor*>& services() const {
    return services_;
  }

  // Typed registration. NOT_FOUND for an unknown method, FAILED_PRECONDITION when the
  // method's kind or message types differ from the handler's.
  template <typename Request, typename Response>
  absl::Status SetUnary(absl::string_view full_name,
                        std::function<absl::Status(CallContext&, const Request&, Response*)> fn);
  template <typename Request, typename Response>
  absl::Status SetUnaryAsync(
      absl::string_view full_name,
      std::function<void(CallContext&, const Request&, Response*, UnaryDone)> fn);
  template <typename Request>
  absl::Status SetServerStreaming(
      absl::string_view full_name,
      std::function<std::unique_ptr<StreamObserver>(CallContext&, const Request&, ServerStream&)>
          fn);
  absl::Status SetBidiStreaming(absl::string_view full_name, BidiStreamingHandler fn);

 private:
  absl::StatusOr<Method*> Lookup(absl::string_view full_name, MethodKind kind,
                                 const google::protobuf::Descriptor* request,
                                 const google::protobuf::Descriptor* response);

  std::vector<const google::protobuf::ServiceDescriptor*> services_;
  std::vector<std::unique_ptr<Method>> methods_;
  absl::flat_hash_map<absl::string_view, Method*> by_name_;
};

template <typename Request, typename Response>
absl::Status MethodTable::SetUnary(
    absl::string_view full_name,
    std::function<absl::Status(CallContext&, const Request&, Response*)> fn) {
  auto method = Lookup(full_name, MethodKind::kUnary, Request::descriptor(), Response::descriptor());
  if (!method.ok()) return method.status();
  (*method)->unary = [fn = std::move(fn)](CallContext& ctx, const google::protobuf::Message& req,
                                          google::protobuf::Message* resp, UnaryDone done) {
    done(fn(ctx, static_cast<const Request&>(req), static_cast<Response*>(resp)));
  };
  return absl::OkStatus();
}

template <typename Request, typename Response>
absl::Status MethodTable::SetUnaryAsync(
    absl::string_view full_name,
    std::function<void(CallContext&, const Request&, Response*, UnaryDone)> fn) {
  auto method = Lookup(full_name, MethodKind::kUnary, Request::descriptor(), Response::descriptor());
  if (!method.ok()) return method.status();
  (*method)->unary = [fn = std::move(fn)](CallContext& ctx, const google::protobuf::Message& req,
                                          google::protobuf::Message* resp, UnaryDone done) {
    fn(ctx, static_cast<const Request&>(req), static_cast<Response*>(resp), std::move(done));
  };
  return absl::OkStatus();
}

template <typename Request>
absl::Status MethodTable::SetServerStreaming(
    absl::string_view full_name,
    std::function<std::unique_ptr<StreamObserver>(CallContext&, const Request&, ServerStream&)>
        fn) {
  auto method = Lookup(full_name, MethodKind::kServerStreaming, Request::descriptor(), nullptr);
  if (!method.ok()) return method.status();
  (*method)->server_streaming = [fn = std::move(fn)](CallContext& ctx,
                                                     const google::protobuf::Message& req,
                                                     ServerStream& stream) {
    return fn(ctx, static_cast<const Request&>(req), stream);
  };
  return absl::OkStatus();
}

}  // namespace pipebridge::rpc
