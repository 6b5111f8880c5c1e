// One HostService/Attach call: a host's session. The first message must be hello; then the
// host answers invocations (result, progress), heartbeats and may replace its commands.
// Invocations, cancels and acks go out through HostSession's queue, one send in flight
// (backpressure by write completion). The stream ending, for any reason, detaches the host.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "bridge/core/hosts/host_registry.h"
#include "bridge/rpc/stream.h"
#include "pipebridge/v1/hosts.pb.h"

namespace pipebridge::service {

// The registry's way to the host: a queue of AttachResponse messages drained one send at
// a time. Thread-safe; usable after the call ended (then it drops everything).
class HostSession : public core::hosts::HostSink {
 public:
  explicit HostSession(rpc::ServerStream& stream) : stream_(&stream) {}

  void SendInvocation(const core::hosts::Invocation& invocation) override;
  void SendCancel(const std::string& invocation_id, const std::string& reason) override;
  void Close(const absl::Status& status) override;

  // Sends `attached` first, then whatever was queued meanwhile.
  void Start(const v1::AttachResponse& attached);
  void Enqueue(v1::AttachResponse message);
  void OnSendDone(bool ok);
  // The call is over: nothing touches the stream from now on.
  void Disconnect();

 private:
  void PumpLocked();

  std::mutex mutex_;
  rpc::ServerStream* stream_;  // null once the call is over
  std::deque<v1::AttachResponse> queue_;
  bool started_ = false;   // attached was queued: sending may begin
  bool in_flight_ = false;
  bool closed_ = false;    // finished: nothing more is sent
};

class HostAttachStream : public rpc::StreamObserver {
 public:
  HostAttachStream(core::hosts::HostRegistry& registry, rpc::ServerStream& stream)
      : registry_(registry), stream_(stream), session_(std::make_shared<HostSession>(stream)) {}

  void OnMessage(const google::protobuf::Message& message) override;
  void OnSendDone(bool ok) override { session_->OnSendDone(ok); }
  void OnReadsDone() override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void OnHello(const v1::HostHello& hello);
  // Ends the session with `status` (the host is detached).
  void End(const absl::Status& status, const std::string& reason);
  void Detach(const std::string& reason);

  core::hosts::HostRegistry& registry_;
  rpc::ServerStream& stream_;
  std::shared_ptr<HostSession> session_;
  // Set by hello. Callbacks come one at a time, so no lock.
  std::string host_id_;
  bool ended_ = false;
};

}  // namespace pipebridge::service
