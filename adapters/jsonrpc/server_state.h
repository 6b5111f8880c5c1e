// What every listener and connection of one JsonRpcServer shares: the io_context, options,
// the dispatcher, counters, and the registry of open connections (for Shutdown).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "absl/container/flat_hash_map.h"
#include "adapters/jsonrpc/jsonrpc_server.h"
#include "adapters/transcoding/contract_description.h"

namespace pipebridge::jsonrpc {

// A connection Shutdown closes: a JSON-RPC connection (TCP or WebSocket) or an HTTP
// session (Connect, gRPC-Web, or one waiting for its next request or its upgrade).
class OpenConnection {
 public:
  virtual ~OpenConnection() = default;
  // Closes on the connection's own strand, cancelling what it still serves.
  virtual void CloseFromAnyThread() = 0;
};

struct ServerState {
  ServerState(const rpc::Dispatcher& d, JsonRpcServerOptions o)
      : dispatcher(d),
        options(std::move(o)),
        contract_description(transcoding::DescribeContract(dispatcher.methods().services(),
                                                           options.protocol_version)),
        io(options.threads) {}

  const rpc::Dispatcher& dispatcher;
  const JsonRpcServerOptions options;
  // The answer to rpc.discover: the services of the method table, built once.
  const std::string contract_description;
  boost::asio::io_context io;
  std::vector<std::thread> threads;

  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> calls_in_flight{0};
  std::atomic<int64_t> queued_output_bytes{0};
  std::atomic<int64_t> peak_connection_queued_output_bytes{0};
  std::atomic<bool> shutting_down{false};

  void Register(OpenConnection* connection, std::weak_ptr<OpenConnection> weak) {
    std::lock_guard<std::mutex> lock(mutex);
    open[connection] = std::move(weak);
  }
  void Unregister(OpenConnection* connection) {
    std::lock_guard<std::mutex> lock(mutex);
    open.erase(connection);
  }
  std::vector<std::shared_ptr<OpenConnection>> OpenConnections() {
    std::vector<std::shared_ptr<OpenConnection>> result;
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& [raw, weak] : open) {
      if (auto strong = weak.lock()) result.push_back(std::move(strong));
    }
    return result;
  }

 private:
  std::mutex mutex;
  absl::flat_hash_map<OpenConnection*, std::weak_ptr<OpenConnection>> open;
};

}  // namespace pipebridge::jsonrpc
