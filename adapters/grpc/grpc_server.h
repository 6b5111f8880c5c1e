// The native gRPC listener: the contract's services (generic over the method table),
// grpc.health.v1 and server reflection (our own callback methods: see health_service.h).
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/grpc/health_service.h"
#include "adapters/grpc/reflection_service.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::grpc_adapter {

struct GrpcServerOptions {
  // Literal IP address to listen on, e.g. "127.0.0.1" or "::1".
  std::string host = "127.0.0.1";
  // 0 picks a free port.
  int port = 0;
  // Largest message accepted or sent.
  int max_message_bytes = 16 * 1024 * 1024;
};

class GrpcServer {
 public:
  // Starts listening. FAILED_PRECONDITION ("address in use") when the port is taken,
  // INVALID_ARGUMENT for a host that is not a literal IP address.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const rpc::Dispatcher& dispatcher,
                                                           const GrpcServerOptions& options);
  ~GrpcServer();

  int port() const { return port_; }
  // "127.0.0.1:47731"
  std::string address() const;

  // Tells health watchers the bridge is going, stops accepting calls, lets in-flight calls
  // finish for up to `grace`, cancels the rest.
  void Shutdown(absl::Duration grace);

 private:
  GrpcServer() = default;
  absl::Status AddTransportServices(const rpc::Dispatcher& dispatcher);

  // Methods only this listener serves (health, reflection), through the same dispatcher as
  // the contract's: what the other transports never see.
  rpc::MethodTable transport_methods_;
  HealthService health_;
  ReflectionService reflection_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::string host_;
  int port_ = 0;
};

}  // namespace pipebridge::grpc_adapter
