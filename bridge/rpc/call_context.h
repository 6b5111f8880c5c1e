// Everything a handler may know about the call it serves, whatever the transport.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pipebridge::rpc {

class Dispatcher;
class Logger;
struct Method;

// Completes a unary call. Called exactly once, from any thread.
using UnaryDone = std::function<void(absl::Status)>;

// Where a call came from.
struct Peer {
  // "grpc", "jsonrpc-ws", "jsonrpc-tcp", "connect", "grpc-web", "in-process".
  std::string transport;
  // Remote address as the transport reports it, e.g. "ipv4:127.0.0.1:53412".
  std::string address;
};

// Who is calling, once the auth interceptor accepted the call.
struct Identity {
  bool authenticated = false;
  // Client name and version as the client declared them (informative).
  std::string client;
  // The attached host the call comes from, when the transport knows it (a JSON-RPC call on
  // the connection a host attached on); becomes Invocation.caller_host.
  std::string host_id;
};

// One call. The transport creates it, fills what it read from the wire (peer, token,
// requested timeout), and keeps it alive until the call has ended; interceptors complete it
// (identity, deadline) before the handler runs. Handlers may read it from any thread.
class CallContext {
 public:
  CallContext(const Method& method, Peer peer, const Logger& logger)
      : method_(method), peer_(std::move(peer)), logger_(logger) {}
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  const Method& method() const { return method_; }
  // The peer; a transport whose address lookup costs (gRPC's allocates) may leave the
  // address empty and give a resolver, run the first time it is asked for (logs).
  const Peer& peer() const;
  void set_peer_address_resolver(std::function<std::string()> resolver) {
    peer_address_resolver_ = std::move(resolver);
  }
  const Logger& logger() const { return logger_; }

  // Credentials the transport read from the wire (the bearer token), checked by auth. Not
  // copied: the transport keeps the bytes until the call has ended (gRPC's metadata does).
  void set_token(absl::string_view token) { token_ = token; }
  absl::string_view token() const { return token_; }

  // Timeout the client asked for (grpc-timeout, Connect-Timeout-Ms, $meta.timeoutMs).
  void set_requested_timeout(absl::Duration timeout) { requested_timeout_ = timeout; }
  std::optional<absl::Duration> requested_timeout() const { return requested_timeout_; }

  // The call's deadline; set by the deadline interceptor before the handler runs.
  absl::Time deadline() const { return deadline_; }
  void set_deadline(absl::Time deadline) { deadline_ = deadline; }

  Identity& identity() { return identity_; }
  const Identity& identity() const { return identity_; }

  // When the call started, for logs and latency.
  absl::Time start_time() const { return start_time_; }

  // Cancellation: the transport calls Cancel() when the client goes away or gives up;
  // handlers poll cancelled() or register a callback, which runs at most once, on the
  // cancelling thread, or at once if the call is already cancelled.
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  void Cancel();
  void OnCancel(std::function<void()> callback);

 private:
  friend class Dispatcher;

  const Method& method_;
  mutable Peer peer_;
  mutable std::function<std::string()> peer_address_resolver_;
  const Logger& logger_;
  absl::string_view token_;
  std::optional<absl::Duration> requested_timeout_;
  absl::Time deadline_ = absl::InfiniteFuture();
  absl::Time start_time_ = absl::Now();
  Identity identity_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;  // guards the resolver and the cancel callbacks
  std::vector<std::function<void()>> cancel_callbacks_;
  // A unary call's completion as the transport gave it to Dispatcher::CallUnary, held here
  // so that the one the Dispatcher hands the handler captures two pointers and fits in
  // std::function's inline storage: no allocation per call.
  UnaryDone unary_done_;
};

}  // namespace pipebridge::rpc
