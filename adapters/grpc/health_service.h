// grpc.health.v1.Health, served by the bridge itself as public methods of the gRPC
// listener's own method table: Check answers the current status, Watch streams it and
// every change. "" is the whole bridge; each service the listener serves is known by name.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::grpc_adapter {

class HealthService {
 public:
  HealthService() = default;
  HealthService(const HealthService&) = delete;
  HealthService& operator=(const HealthService&) = delete;

  // Adds grpc.health.v1.Health to `table`, public (no token), with this object's handlers;
  // this object must outlive every call. Call before any call can arrive.
  absl::Status AddTo(rpc::MethodTable& table);
  // Makes `service` known as SERVING. Call before any call can arrive.
  void AddServiceName(std::string service);

  // The bridge is going away: every service becomes NOT_SERVING, each watcher is told so
  // and its stream ends with UNAVAILABLE (clients retry against the next bridge).
  void SetNotServing();

 private:
  class Watcher;
  int StatusOf(const std::string& service) const;  // a HealthCheckResponse::ServingStatus

  absl::flat_hash_set<std::string> services_{""};
  std::mutex mutex_;  // guards serving_ and watchers_
  bool serving_ = true;
  std::set<Watcher*> watchers_;
};

}  // namespace pipebridge::grpc_adapter
