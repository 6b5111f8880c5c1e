// What BridgeService/GetInfo reports: filled by the server as its listeners start.
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace pipebridge::service {

// Bumped on any incompatible change of the contract or the wire conventions.
inline constexpr int kProtocolVersion = 1;

class ServerInfo {
 public:
  struct Endpoint {
    std::string transport;  // "grpc", "jsonrpc-ws", ...
    std::string address;    // "127.0.0.1:47731"
  };

  ServerInfo(std::string version, std::vector<std::string> capabilities)
      : version_(std::move(version)), capabilities_(std::move(capabilities)) {}

  const std::string& version() const { return version_; }
  const std::vector<std::string>& capabilities() const { return capabilities_; }
  absl::Time started_at() const { return started_at_; }

  void AddEndpoint(Endpoint endpoint) {
    std::lock_guard<std::mutex> lock(mutex_);
    endpoints_.push_back(std::move(endpoint));
  }
  std::vector<Endpoint> endpoints() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return endpoints_;
  }

  void set_project(std::string project) {
    std::lock_guard<std::mutex> lock(mutex_);
    project_ = std::move(project);
  }
  std::string project() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return project_;
  }

 private:
  const std::string version_;
  const std::vector<std::string> capabilities_;
  const absl::Time started_at_ = absl::Now();
  mutable std::mutex mutex_;
  std::vector<Endpoint> endpoints_;
  std::string project_;
};

}  // namespace pipebridge::service
