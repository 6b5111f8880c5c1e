#include "adapters/jsonrpc/jsonrpc_server.h"

#include <boost/asio/executor_work_guard.hpp>

#include "absl/strings/str_cat.h"
#include "adapters/jsonrpc/http_session.h"
#include "adapters/jsonrpc/jsonrpc_connection.h"
#include "adapters/jsonrpc/listener.h"
#include "adapters/jsonrpc/tcp_session.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::jsonrpc {

std::vector<std::string> DefaultAllowedOrigins() {
  return {"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*", "file://"};
}

namespace {

// Holds the io_context's threads running until Shutdown.
using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

}  // namespace

absl::StatusOr<std::unique_ptr<JsonRpcServer>> JsonRpcServer::Start(
    const rpc::Dispatcher& dispatcher, JsonRpcServerOptions options) {
  if (options.token.empty()) {
    return absl::InvalidArgumentError("JsonRpcServerOptions.token is empty: every transport "
                                      "requires the token");
  }
  if (options.threads < 1) {
    return absl::InvalidArgumentError(absl::StrCat("threads must be 1 or more, not ",
                                                   options.threads));
  }
  if (options.max_in_flight < 1 || options.max_message_bytes < 64 || options.max_depth < 1) {
    return absl::InvalidArgumentError(
        "max_in_flight, max_depth must be 1 or more and max_message_bytes 64 or more");
  }
  std::unique_ptr<JsonRpcServer> server(new JsonRpcServer());
  auto state = std::make_shared<ServerState>(dispatcher, std::move(options));
  server->state_ = state;
  const JsonRpcServerOptions& opts = state->options;

  std::vector<std::shared_ptr<Listener>> listeners;
  if (opts.tcp_port >= 0) {
    PB_ASSIGN_OR_RETURN(
        auto listener,
        Listener::Bind(state, opts.host, opts.tcp_port,
                       [state](boost::asio::ip::tcp::socket socket, Listener::Strand strand) {
                         TcpSession::Start(state, std::move(socket), std::move(strand));
                       }));
    server->tcp_port_ = listener->port();
    listeners.push_back(listener);
  }
  if (opts.http_port >= 0) {
    auto port = std::make_shared<int>(0);
    PB_ASSIGN_OR_RETURN(
        auto listener,
        Listener::Bind(state, opts.host, opts.http_port,
                       [state, port](boost::asio::ip::tcp::socket socket, Listener::Strand strand) {
                         StartHttpSession(state, std::move(socket), std::move(strand), *port);
                       }));
    *port = listener->port();
    server->http_port_ = listener->port();
    listeners.push_back(listener);
  }
  auto guard = std::make_shared<WorkGuard>(state->io.get_executor());
  server->work_ = guard;
  for (int i = 0; i < opts.threads; ++i) {
    state->threads.emplace_back([state] { state->io.run(); });
  }
  for (auto& listener : listeners) {
    listener->Start();
    server->listeners_.push_back(listener);
  }
  return server;
}

JsonRpcServer::~JsonRpcServer() { Shutdown(absl::ZeroDuration()); }

std::string JsonRpcServer::tcp_address() const {
  return tcp_port_ == 0 ? std::string() : HostPort(state_->options.host, tcp_port_);
}

std::string JsonRpcServer::http_address() const {
  return http_port_ == 0 ? std::string() : HostPort(state_->options.host, http_port_);
}

JsonRpcServerStats JsonRpcServer::stats() const {
  JsonRpcServerStats stats;
  stats.connections = state_->connections.load();
  stats.calls_in_flight = state_->calls_in_flight.load();
  stats.queued_output_bytes = state_->queued_output_bytes.load();
  stats.peak_connection_queued_output_bytes = state_->peak_connection_queued_output_bytes.load();
  return stats;
}

void JsonRpcServer::Shutdown(absl::Duration grace) {
  if (stopped_ || state_ == nullptr) return;
  stopped_ = true;
  state_->shutting_down = true;
  for (auto& listener : listeners_) std::static_pointer_cast<Listener>(listener)->Close();
  // Let calls in flight finish.
  const absl::Time grace_end = absl::Now() + grace;
  while (state_->calls_in_flight.load() > 0 && absl::Now() < grace_end) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  // Close every connection (cancelling what still runs), and give handlers a moment to
  // answer their cancellation, so nothing is left referring to the io_context.
  for (auto& connection : state_->OpenConnections()) connection->CloseFromAnyThread();
  const absl::Time cancel_end = absl::Now() + absl::Seconds(2);
  while ((state_->calls_in_flight.load() > 0 || state_->connections.load() > 0) &&
         absl::Now() < cancel_end) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  // Let the io_context run out of work rather than stopping it: closing the listeners and
  // connections completed their pending operations, and running those completions releases
  // what they hold. A stopped io_context keeps them queued, and they hold this state, which
  // owns the io_context: neither would ever be freed. Bounded: a WebSocket close handshake
  // may wait for its peer.
  work_.reset();
  const absl::Time drain_end = absl::Now() + absl::Seconds(2);
  while (!state_->io.stopped() && absl::Now() < drain_end) absl::SleepFor(absl::Milliseconds(5));
  state_->io.stop();
  for (auto& thread : state_->threads) thread.join();
  state_->threads.clear();
  listeners_.clear();
}

}  // namespace pipebridge::jsonrpc
