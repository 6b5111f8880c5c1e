// The baseline every native gRPC figure is compared with: a plain typed callback service,
// generated code and gRPC's default reactor, on a server built with default settings.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "echo.grpc.pb.h"

namespace pipebridge::bench {

class BareEcho : public EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoMessage* request, EchoMessage* response) override {
    response->set_payload(request->payload());
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// `service` on 127.0.0.1, an ephemeral port, nothing but gRPC's defaults; *port is set.
inline std::unique_ptr<grpc::Server> StartBareEchoServer(BareEcho& service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterService(&service);
  return builder.BuildAndStart();
}

}  // namespace pipebridge::bench
