// Native gRPC services generic over the method table: one grpc::Service per service of the
// contract, every method a raw (ByteBuffer) callback method that dispatches through the
// interceptor chain. Costs the same as a generated typed service.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "bridge/rpc/dispatcher.h"

namespace pipebridge::grpc_adapter {

// One grpc::Service per service of `methods` (the dispatcher's own table, or the listener's
// transport-only methods), each call dispatched through `dispatcher`. Both must outlive the
// services.
std::vector<std::unique_ptr<grpc::Service>> MakeGenericServices(const rpc::Dispatcher& dispatcher,
                                                                const rpc::MethodTable& methods);

}  // namespace pipebridge::grpc_adapter
