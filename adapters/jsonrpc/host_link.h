// One host attached over a JSON-RPC connection (`host.attach`): drives the same
// HostService/Attach bidi stream a gRPC host opens, through the Dispatcher, so leases,
// schema checks, routing and events are the HostService's. The host's requests
// (host.updateCommands, host.heartbeat, host.progress, host.detach) become its stream
// messages; the stream's messages become server -> client traffic: the answer to
// host.attach, `host.invoke` requests (the client's answers become results),
// `host.cancel` notifications and the answers to host.heartbeat. docs/protocol.md has the
// wire shapes.
//
// Lives on its connection's strand; only the rpc::ServerStream methods are called from
// other threads. Each Send is reported to the handler (OnSendDone) once written, so the
// handler's one-send-in-flight pacing bounds what queues here.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "adapters/jsonrpc/jsonrpc_connection.h"
#include "bridge/rpc/method_table.h"
#include "bridge/rpc/stream.h"
#include "pipebridge/v1/hosts.pb.h"

namespace pipebridge::jsonrpc {

class HostLink final : public rpc::ServerStream,
                       public WriteListener,
                       public std::enable_shared_from_this<HostLink> {
 public:
  // `attach_id`: the raw JSON id of the host.attach request, answered once the host is
  // attached or refused.
  HostLink(std::shared_ptr<JsonRpcConnection> connection, const rpc::Method& attach,
           std::string attach_id);
  ~HostLink() override;

  rpc::CallContext& context() { return ctx_; }

  // Starts the Attach stream with the host's hello. On the strand.
  void Start(const v1::HostHello& hello);
  // A message from the host (update_commands, heartbeat, progress). `heartbeat_id`: the
  // request id a heartbeat_ack answers, empty for a notification.
  void Deliver(const v1::AttachRequest& message, std::string heartbeat_id = std::string());
  // host.detach: the host sends nothing more; the stream ends and detaches it.
  void Detach();
  // The connection closed: cancels the stream (the host is detached, its invocations fail).
  void Abort(const absl::Status& status);
  // The host's id once attached, else empty.
  const std::string& host_id() const { return host_id_; }
  // The stream is over; the connection may attach another host.
  bool ended() const { return ended_; }

  // rpc::ServerStream, any thread.
  void Send(const google::protobuf::Message& message) override;
  void Finish(absl::Status status) override;

  // WriteListener, on the strand.
  void OnWritten(bool ok) override;

 private:
  void Emit(const v1::AttachResponse& message);
  void SendInvocation(const v1::Invocation& invocation);
  void OnInvocationAnswer(const std::string& invocation_id, const ClientAnswer& answer);
  void Complete(absl::Status status);
  // Queues `text` (one complete JSON-RPC message); its write is reported to the handler.
  void Write(std::string text);
  void MaybeRelease();

  const std::shared_ptr<JsonRpcConnection> connection_;
  const std::string attach_id_;
  rpc::CallContext ctx_;
  std::unique_ptr<rpc::StreamObserver> observer_;
  std::shared_ptr<HostLink> self_;  // alive until ended and every write is reported

  std::string host_id_;
  bool stream_started_ = false;   // the Dispatcher accepted the call: EndStream at the end
  bool attached_ = false;          // host.attach was answered with the host
  bool detach_requested_ = false;  // host.detach: no host.detached notification then
  bool ended_ = false;
  int writes_pending_ = 0;
  // Heartbeat requests awaiting their ack, oldest first (acks come in order).
  std::deque<std::string> heartbeat_ids_;
  // Invocations the host has not answered: invocation id -> server request id.
  absl::flat_hash_map<std::string, std::string> open_invocations_;
};

}  // namespace pipebridge::jsonrpc
