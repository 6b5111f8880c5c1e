// The bridge as one object: method table, interceptor chain, listeners and discovery file.
// main() runs one; integration tests start one in-process on ephemeral ports.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/jsonrpc/jsonrpc_server.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/events/event_log.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/rpc/logger.h"
#include "bridge/rpc/method_table.h"
#include "bridge/server/discovery_file.h"
#include "bridge/server/server_config.h"
#include "bridge/service/server_info.h"
#include "bridge/service/task_runner.h"

// Held by pointer only: every file that starts a bridge (the server, its tests, benchmarks)
// includes this header, and the listeners' headers bring grpcpp and Beast with them. The
// store and the event log are returned by accessors, so their headers stay.
namespace pipebridge::grpc_adapter {
class GrpcServer;
}  // namespace pipebridge::grpc_adapter
namespace pipebridge::connect {
class ConnectHandler;
}  // namespace pipebridge::connect
namespace pipebridge::core::context {
class ContextResolver;
}  // namespace pipebridge::core::context
namespace pipebridge::core::hosts {
class HostRegistry;
}  // namespace pipebridge::core::hosts
namespace pipebridge::core::publishes {
class PublishStore;
}  // namespace pipebridge::core::publishes

namespace pipebridge::server {

class BridgeServer {
 public:
  // Threads for store-backed calls: one writes while others read (WAL), and a few writers
  // waiting together share one durable commit.
  static constexpr int kBlockingCallThreads = 4;

  // Starts every listener and publishes the discovery file. The error says what to fix:
  // port in use, discovery folder not writable, another bridge running.
  static absl::StatusOr<std::unique_ptr<BridgeServer>> Start(const ServerConfig& config,
                                                             const rpc::Logger& logger);
  ~BridgeServer();

  const std::string& token() const { return token_; }
  int grpc_port() const;
  std::string grpc_address() const;
  // Null when the listener is turned off.
  const jsonrpc::JsonRpcServer* jsonrpc() const { return jsonrpc_.get(); }
  const std::string& discovery_path() const { return discovery_.path(); }
  core::entities::EntityStore& store() { return *store_; }
  core::events::EventLog& events() { return *events_; }
  const rpc::MethodTable& methods() const { return methods_; }

  // Stops accepting calls, lets in-flight ones finish within the configured grace, then
  // removes the discovery file. Idempotent.
  void Shutdown();

 private:
  BridgeServer(const ServerConfig& config, const rpc::Logger& logger, std::string token);

  ServerConfig config_;
  const rpc::Logger& logger_;
  std::string token_;
  service::ServerInfo info_;
  std::unique_ptr<core::entities::EntityStore> store_;
  std::unique_ptr<core::context::ContextResolver> contexts_;
  std::unique_ptr<core::events::EventLog> events_;
  std::unique_ptr<core::publishes::PublishStore> publishes_;
  // After events_: its worker publishes host events, so it must go first.
  std::unique_ptr<core::hosts::HostRegistry> hosts_;
  core::events::ProjectRef project_;
  service::TaskRunner runner_{1};
  rpc::MethodTable methods_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::unique_ptr<grpc_adapter::GrpcServer> grpc_;
  std::unique_ptr<jsonrpc::JsonRpcServer> jsonrpc_;
  // Connect and gRPC-Web on the JSON-RPC server's HTTP port; shut down before it.
  std::shared_ptr<connect::ConnectHandler> connect_;
  DiscoveryFile discovery_;
  bool running_ = false;
  // Runs the store-backed calls (rpc::Execution::kBlocking) for every transport. Last, so
  // it is destroyed first: what is still queued there runs while the dispatcher and the
  // transports that will answer it are alive.
  service::TaskRunner blocking_calls_{kBlockingCallThreads};
};

// "0.1.0"
const char* Version();

}  // namespace pipebridge::server
