// One JSON-RPC 2.0 connection, whatever carries it: decodes messages, dispatches calls into
// the rpc::Dispatcher on the IO thread that read them, answers in any order, runs server
// streams with write-driven backpressure, cancellation, deadlines, auth and the limits.
// TcpSession and WebSocketSession derive from it and supply the bytes.
//
// Threading: everything here runs on the connection's strand, except the entry points marked
// "any thread". Handlers run on the strand; one that completes later (from its own thread)
// has its answer posted back to the strand.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "adapters/jsonrpc/jsonrpc_envelope.h"
#include "adapters/jsonrpc/jsonrpc_errors.h"
#include "adapters/jsonrpc/server_state.h"
#include "bridge/rpc/call_context.h"

namespace pipebridge::jsonrpc {

class Call;
class HostLink;
struct BatchReply;

// Told when a message it queued was written (ok) or dropped (!ok): streams pace their
// sends by it. Must stay alive until every message it queued is reported.
class WriteListener {
 public:
  virtual void OnWritten(bool ok) = 0;

 protected:
  ~WriteListener() = default;
};

// The client's response to a server-sent request.
struct ClientAnswer {
  bool ok = false;
  std::string result_json;  // ok: the raw JSON of "result"
  // !ok: the client's error (code as sent; UNAVAILABLE when the connection closed first).
  int code = 0;
  std::string message;
  std::string data_json;  // raw JSON of error.data, empty when absent
};

class JsonRpcConnection : public OpenConnection,
                          public std::enable_shared_from_this<JsonRpcConnection> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // Receives the client's answer to a server-sent request, on the strand.
  using ClientResponse = std::function<void(const ClientAnswer& answer)>;

  virtual ~JsonRpcConnection();
  JsonRpcConnection(const JsonRpcConnection&) = delete;
  JsonRpcConnection& operator=(const JsonRpcConnection&) = delete;

  const Strand& strand() const { return strand_; }
  const rpc::Peer& peer() const { return peer_; }

  // Any thread. Closes the connection, cancelling every call in flight.
  void CloseFromAnyThread() override;

 protected:
  JsonRpcConnection(std::shared_ptr<ServerState> state, Strand strand, rpc::Peer peer,
                    bool authenticated, bool newline_delimited);

  // ---- Transport -> connection (on the strand) ----
  // Registers with the server and starts the idle watchdog; call once the transport is up.
  void Open();
  // One complete message: `data[0, size)`, followed by kPadding readable bytes.
  void HandleMessage(const char* data, size_t size);
  // A TCP line longer than max_message_bytes (skipped): answered with Invalid Request.
  void HandleOversizedMessage();
  // Checked after each read: when true, the transport stops reading until ResumeReading().
  bool ShouldPauseReading();
  // Bytes arrived; `partial` says a message is begun but not complete (read timeout).
  void NoteRead(bool partial);
  // The write StartWrite began has completed, covering the first `messages` queued ones.
  void HandleWriteDone(size_t messages, bool ok);
  // The transport is closed (idempotent): cancels every call, drops queued output.
  void HandleClosed();
  bool closed() const { return closed_; }

  // ---- Connection -> transport (on the strand) ----
  // Writes from the front of queued_output(); exactly one write in flight at a time.
  virtual void StartWrite() = 0;
  // Reading was paused by ShouldPauseReading() and may go on.
  virtual void ResumeReading() = 0;
  // Close the transport (timeouts, too many failed logins), then call HandleClosed().
  virtual void CloseTransport(std::string_view reason) = 0;

  struct Output {
    std::string text;                  // one message, framed for the transport (TCP: '\n')
    WriteListener* listener = nullptr;  // told once the message is written or dropped
  };
  const std::deque<Output>& queued_output() const { return output_; }

  const std::shared_ptr<ServerState>& state() const { return state_; }
  const JsonRpcServerOptions& options() const { return state_->options; }

 private:
  friend class Call;
  friend class HostLink;
  friend struct BatchReply;

  void HandleEnvelope(const Envelope& envelope, const std::shared_ptr<BatchReply>& batch);
  void HandleCall(const Envelope& envelope, const std::shared_ptr<BatchReply>& batch);
  void HandleInitialize(const Envelope& envelope, const std::shared_ptr<BatchReply>& batch);
  void HandleCancel(const Envelope& envelope, const std::shared_ptr<BatchReply>& batch);
  void HandleDiscover(const Envelope& envelope, const std::shared_ptr<BatchReply>& batch);
  void HandleHost(const Envelope& envelope, const std::shared_ptr<BatchReply>& batch);
  void HandleClientResponse(const Envelope& envelope);

  // Answers: `id` is the raw JSON id ("null" when unknown). With a batch, the answer joins it.
  std::string* BeginReply(BatchReply* batch, std::string_view id);
  void EndReply(BatchReply* batch, std::string* text);
  void ReplyProtocolError(BatchReply* batch, std::string_view id, ProtocolError error,
                          std::string_view message);
  void ReplyStatus(BatchReply* batch, std::string_view id, const absl::Status& status);
  void FinishBatchPart(BatchReply* batch);

  // Output queue.
  std::string TakeBuffer();
  void Enqueue(std::string text, WriteListener* listener);
  void FailQueuedOutput();

  // Call registry.
  void Track(Call* call);
  void Untrack(Call* call);         // the call is over
  void ForgetId(Call* call);        // the call was answered: its id may be reused

  void ArmWatchdog(std::chrono::steady_clock::time_point when);
  void OnWatchdog();

  const std::shared_ptr<ServerState> state_;
  const Strand strand_;
  const rpc::Peer peer_;
  const bool newline_delimited_;
  bool authenticated_;
  std::string client_;  // "name/version" from $/initialize
  int failed_logins_ = 0;
  bool closed_ = false;
  bool registered_ = false;

  ParsedMessage parsed_;

  std::deque<Output> output_;
  size_t output_bytes_ = 0;
  bool writing_ = false;
  bool reading_paused_ = false;
  std::vector<std::string> spare_buffers_;
  std::string reply_;  // the answer being written (BeginReply .. EndReply)

  // Calls in flight (running handlers, open streams), and those with an id by raw id text.
  std::vector<Call*> calls_;
  absl::flat_hash_map<std::string, Call*> calls_by_id_;

  // Server-sent requests awaiting the client's response, by raw id ("\"s:1\"", ...).
  // Returns the new request's raw id; `done` gets UNAVAILABLE if the connection closes first.
  std::string AddClientRequest(ClientResponse done);
  // The answer is no longer wanted (a late one is ignored).
  void DropClientRequest(const std::string& id) { client_requests_.erase(id); }
  uint64_t next_client_request_ = 1;
  absl::flat_hash_map<std::string, ClientResponse> client_requests_;

  // The host attached on this connection (host.attach), until its stream ends.
  std::shared_ptr<HostLink> host_;

  // Idle and read timeouts, checked lazily by one timer.
  std::chrono::steady_clock::time_point last_activity_;
  std::chrono::steady_clock::time_point last_read_;
  bool partial_ = false;
  std::optional<boost::asio::steady_timer> watchdog_;
  std::chrono::steady_clock::time_point watchdog_at_;
  bool watchdog_armed_ = false;
};

}  // namespace pipebridge::jsonrpc
