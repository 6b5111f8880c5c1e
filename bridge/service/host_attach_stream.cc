#include "bridge/service/host_attach_stream.h"

#include "absl/strings/str_cat.h"
#include "bridge/service/host_proto.h"
#include "bridge/service/host_service.h"
#include "bridge/service/json_struct.h"

namespace pipebridge::service {

namespace hosts = core::hosts;

void HostSession::SendInvocation(const hosts::Invocation& invocation) {
  v1::AttachResponse message;
  InvocationToProto(invocation, message.mutable_invocation());
  Enqueue(std::move(message));
}

void HostSession::SendCancel(const std::string& invocation_id, const std::string& reason) {
  v1::AttachResponse message;
  message.mutable_cancel()->set_invocation_id(invocation_id);
  message.mutable_cancel()->set_reason(reason);
  Enqueue(std::move(message));
}

void HostSession::Close(const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  if (stream_ != nullptr) stream_->Finish(status);
}

void HostSession::Start(const v1::AttachResponse& attached) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.push_front(attached);
  started_ = true;
  PumpLocked();
}

void HostSession::Enqueue(v1::AttachResponse message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || stream_ == nullptr) return;
  queue_.push_back(std::move(message));
  PumpLocked();
}

void HostSession::OnSendDone(bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_ = false;
  if (!ok) {  // The host is gone; OnCancel / OnDone follow.
    closed_ = true;
    queue_.clear();
    return;
  }
  PumpLocked();
}

void HostSession::Disconnect() {
  std::lock_guard<std::mutex> lock(mutex_);
  stream_ = nullptr;
  closed_ = true;
  queue_.clear();
}

void HostSession::PumpLocked() {
  if (!started_ || in_flight_ || closed_ || stream_ == nullptr || queue_.empty()) return;
  in_flight_ = true;
  stream_->Send(queue_.front());  // serialized before it returns
  queue_.pop_front();
}

void HostAttachStream::OnMessage(const google::protobuf::Message& message) {
  if (ended_) return;
  const auto& request = static_cast<const v1::AttachRequest&>(message);
  if (request.message_case() == v1::AttachRequest::kHello) {
    if (!host_id_.empty()) {
      End(absl::FailedPreconditionError("hello was already received on this stream"),
          "the host sent hello twice");
      return;
    }
    OnHello(request.hello());
    return;
  }
  if (host_id_.empty()) {
    End(absl::FailedPreconditionError("the first message of Attach must be hello"), "");
    return;
  }
  switch (request.message_case()) {
    case v1::AttachRequest::kUpdateCommands: {
      absl::Status status =
          registry_.ReplaceCommands(host_id_, CommandsFromProto(request.update_commands().commands()));
      if (!status.ok()) {
        End(absl::Status(status.code(), absl::StrCat("update_commands: ", status.message())),
            "the host declared invalid commands");
      }
      return;
    }
    case v1::AttachRequest::kResult: {
      const v1::InvocationResult& result = request.result();
      absl::StatusOr<nlohmann::json> outcome =
          result.has_error() ? absl::StatusOr<nlohmann::json>(HostErrorToStatus(result.error()))
                             : absl::StatusOr<nlohmann::json>(ValueToJson(result.result()));
      // NOT_FOUND: the caller gave up (cancel, deadline) before the answer; nothing to do.
      (void)registry_.Complete(host_id_, result.invocation_id(), std::move(outcome));
      (void)registry_.Touch(host_id_);
      return;
    }
    case v1::AttachRequest::kProgress:
      (void)registry_.Progress(host_id_, ProgressFromProto(request.progress()));
      (void)registry_.Touch(host_id_);
      return;
    case v1::AttachRequest::kHeartbeat: {
      if (!registry_.Touch(host_id_).ok()) return;  // detached (lease): the session is closing
      v1::AttachResponse ack;
      TimeToProto(absl::Now(), ack.mutable_heartbeat_ack()->mutable_server_time());
      session_->Enqueue(std::move(ack));
      return;
    }
    default:
      End(absl::InvalidArgumentError("an AttachRequest must set one of its messages"),
          "the host sent an empty message");
      return;
  }
}

void HostAttachStream::OnHello(const v1::HostHello& hello) {
  auto host = registry_.Attach(HostInfoFromProto(hello), CommandsFromProto(hello.commands()), session_);
  if (!host.ok()) {
    End(host.status(), "");
    return;
  }
  host_id_ = host->id;
  v1::AttachResponse attached;
  HostToProto(*host, attached.mutable_attached()->mutable_host());
  attached.mutable_attached()->set_lease_ms(absl::ToInt64Milliseconds(registry_.lease()));
  session_->Start(attached);
}

void HostAttachStream::OnReadsDone() {
  Detach("the host ended its session");
  End(absl::OkStatus(), "");
}

void HostAttachStream::OnCancel() { Detach("the host's connection was lost"); }

void HostAttachStream::OnDone() {
  session_->Disconnect();
  Detach("the host's session ended");
}

void HostAttachStream::End(const absl::Status& status, const std::string& reason) {
  ended_ = true;
  if (!reason.empty()) Detach(reason);
  session_->Close(status);
}

void HostAttachStream::Detach(const std::string& reason) {
  if (host_id_.empty()) return;
  std::string id = std::move(host_id_);
  host_id_.clear();
  registry_.Detach(id, reason);
}

}  // namespace pipebridge::service
