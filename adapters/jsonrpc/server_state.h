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

class JsonRpcConnection;

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

  void Register(JsonRpcConnection* connection, std::weak_ptr<JsonRpcConnection> weak) {
    std::lock_guard<std::mutex> lock(mutex);
    open[connection] = std::move(weak);
  }
  void Unregister(JsonRpcConnection* connection) {
    std::lock_guard<std::mutex> lock(mutex);
    open.erase(connection);
  }
  std::vector<std::shared_ptr<JsonRpcConnection>> OpenConnections() {
    std::vector<std::shared_ptr<JsonRpcConnection>> result;
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& [raw, weak] : open) {
      if (auto strong = weak.lock()) result.push_back(std::move(strong));
    }
    return result;
  }

 private:
  std::mutex mutex;
  absl::flat_hash_map<JsonRpcConnection*, std::weak_ptr<JsonRpcConnection>> open;
};

}  // namespace pipebridge::jsonrpc
