// gRPC server reflection (grpc.reflection.v1 and v1alpha ServerReflectionInfo), served by
// the bridge itself as bidi methods of the gRPC listener's own method table, so it goes
// through the interceptor chain (token, logging) like every other call. Answers from the
// descriptors compiled into the server.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::grpc_adapter {

class ReflectionService {
 public:
  // Adds both reflection services to `table` with this object's handlers; this object must
  // outlive every call. Call before any call can arrive.
  absl::Status AddTo(rpc::MethodTable& table);
  // What list_services answers: every service the listener serves. Set before any call.
  void set_service_names(std::vector<std::string> names) { service_names_ = std::move(names); }

 private:
  std::vector<std::string> service_names_;
};

}  // namespace pipebridge::grpc_adapter
