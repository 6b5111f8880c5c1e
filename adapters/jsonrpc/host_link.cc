#include "adapters/jsonrpc/host_link.h"

#include <boost/asio/post.hpp>

#include "absl/strings/str_cat.h"
#include "adapters/jsonrpc/jsonrpc_errors.h"
#include "adapters/transcoding/json_codec.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::jsonrpc {

HostLink::HostLink(std::shared_ptr<JsonRpcConnection> connection, const rpc::Method& attach,
                   std::string attach_id)
    : connection_(std::move(connection)),
      attach_id_(std::move(attach_id)),
      ctx_(attach, rpc::Peer{connection_->peer().transport, std::string()},
           connection_->state()->dispatcher.logger()) {
  const std::string* address = &connection_->peer().address;
  ctx_.set_peer_address_resolver([address] { return *address; });
}

HostLink::~HostLink() = default;

void HostLink::Start(const v1::HostHello& hello) {
  self_ = shared_from_this();
  absl::StatusOr<std::unique_ptr<rpc::StreamObserver>> observer =
      connection_->state()->dispatcher.StartBidiStream(ctx_, *this);
  if (!observer.ok() || *observer == nullptr) {
    // Refused by the interceptor chain (nothing started), or a handler without a stream.
    Complete(observer.ok() ? absl::InternalError("HostService/Attach started no stream")
                           : observer.status());
    return;
  }
  observer_ = std::move(observer).value();
  stream_started_ = true;
  v1::AttachRequest first;
  *first.mutable_hello() = hello;
  observer_->OnMessage(first);
}

void HostLink::Deliver(const v1::AttachRequest& message, std::string heartbeat_id) {
  if (ended_ || observer_ == nullptr) return;
  if (!heartbeat_id.empty()) heartbeat_ids_.push_back(std::move(heartbeat_id));
  observer_->OnMessage(message);
}

void HostLink::Detach(std::string detach_id) {
  if (ended_ || observer_ == nullptr) {
    // Nothing to wait for: answer now, without this link as the write's listener.
    if (!detach_id.empty()) {
      connection_->Enqueue(absl::StrCat("{\"jsonrpc\":\"2.0\",\"id\":", detach_id, ",\"result\":{}}"),
                           nullptr);
    }
    return;
  }
  detach_requested_ = true;
  detach_id_ = std::move(detach_id);
  observer_->OnReadsDone();
}

void HostLink::Abort(const absl::Status& status) {
  if (ended_) return;
  auto keep = shared_from_this();
  ctx_.Cancel();
  if (observer_) observer_->OnCancel();
  Complete(status);
}

// ---- The stream's messages, from the handler ----

void HostLink::Send(const google::protobuf::Message& message) {
  // Copied before returning, as ServerStream promises; translated on the strand.
  auto copy = std::make_shared<v1::AttachResponse>(static_cast<const v1::AttachResponse&>(message));
  boost::asio::post(connection_->strand(), [self = shared_from_this(), copy] { self->Emit(*copy); });
}

void HostLink::Finish(absl::Status status) {
  boost::asio::post(connection_->strand(), [self = shared_from_this(), status = std::move(status)] {
    self->Complete(status);
  });
}

void HostLink::Emit(const v1::AttachResponse& message) {
  if (ended_) return;
  std::string text;
  switch (message.message_case()) {
    case v1::AttachResponse::kAttached:
      attached_ = true;
      host_id_ = message.attached().host().id();
      absl::StrAppend(&text, "{\"jsonrpc\":\"2.0\",\"id\":", attach_id_, ",\"result\":");
      transcoding::MessageToJson(message.attached(), &text);
      text.push_back('}');
      break;
    case v1::AttachResponse::kInvocation:
      SendInvocation(message.invocation());
      return;
    case v1::AttachResponse::kCancel: {
      // The caller gave up: a late answer is dropped rather than kept waiting for.
      auto open = open_invocations_.find(message.cancel().invocation_id());
      if (open != open_invocations_.end()) {
        connection_->DropClientRequest(open->second);
        open_invocations_.erase(open);
      }
      text = "{\"jsonrpc\":\"2.0\",\"method\":\"host.cancel\",\"params\":";
      transcoding::MessageToJson(message.cancel(), &text);
      text.push_back('}');
      break;
    }
    case v1::AttachResponse::kHeartbeatAck:
      if (heartbeat_ids_.empty()) {  // the heartbeat was a notification: nothing to answer
        boost::asio::post(connection_->strand(),
                          [self = shared_from_this()] { self->OnWritten(true); });
        ++writes_pending_;
        return;
      }
      absl::StrAppend(&text, "{\"jsonrpc\":\"2.0\",\"id\":", heartbeat_ids_.front(), ",\"result\":");
      heartbeat_ids_.pop_front();
      transcoding::MessageToJson(message.heartbeat_ack(), &text);
      text.push_back('}');
      break;
    case v1::AttachResponse::MESSAGE_NOT_SET:
      return;
  }
  Write(std::move(text));
}

void HostLink::SendInvocation(const v1::Invocation& invocation) {
  const std::string invocation_id = invocation.invocation_id();
  std::string id = connection_->AddClientRequest(
      [self = shared_from_this(), invocation_id](const ClientAnswer& answer) {
        self->OnInvocationAnswer(invocation_id, answer);
      });
  open_invocations_[invocation_id] = id;
  std::string text;
  absl::StrAppend(&text, "{\"jsonrpc\":\"2.0\",\"id\":", id,
                  ",\"method\":\"host.invoke\",\"params\":");
  transcoding::MessageToJson(invocation, &text);
  text.push_back('}');
  Write(std::move(text));
}

void HostLink::OnInvocationAnswer(const std::string& invocation_id, const ClientAnswer& answer) {
  open_invocations_.erase(invocation_id);
  if (ended_ || observer_ == nullptr) return;
  v1::AttachRequest message;
  v1::InvocationResult* result = message.mutable_result();
  if (answer.ok) {
    // The result is any JSON value; the codec reads objects, so it is read as the "result"
    // member of an InvocationResult.
    std::string json = "{\"result\":";
    json.append(answer.result_json);
    json.push_back('}');
    if (absl::Status status = transcoding::JsonToMessage(json, result); !status.ok()) {
      result->Clear();
      result->mutable_error()->set_code(static_cast<int>(absl::StatusCode::kInternal));
      result->mutable_error()->set_message(
          absl::StrCat("the host's result is not usable JSON: ", status.message()));
    }
  } else {
    v1::HostError* error = result->mutable_error();
    // A JSON-RPC code (negative, or not a gRPC code) is the host's own failure: UNKNOWN.
    const bool grpc_code = answer.code > 0 && answer.code <= 16;
    error->set_code(grpc_code ? answer.code : static_cast<int>(absl::StatusCode::kUnknown));
    error->set_message(grpc_code || answer.message.empty()
                           ? answer.message
                           : absl::StrCat(answer.message, " (JSON-RPC error ", answer.code, ")"));
    if (!answer.data_json.empty()) {
      // Details are informative: a malformed data member is dropped, not fatal.
      v1::HostError parsed;
      if (transcoding::JsonToMessage("{\"details\":" + answer.data_json + "}", &parsed).ok()) {
        *error->mutable_details() = parsed.details();
      }
    }
  }
  result->set_invocation_id(invocation_id);
  observer_->OnMessage(message);
}

void HostLink::Write(std::string text) {
  ++writes_pending_;
  connection_->Enqueue(std::move(text), this);
}

void HostLink::OnWritten(bool ok) {
  --writes_pending_;
  if (!ended_ && observer_) observer_->OnSendDone(ok);
  MaybeRelease();
}

// ---- The end ----

void HostLink::Complete(absl::Status status) {
  if (ended_) return;
  auto keep = shared_from_this();
  ended_ = true;
  if (!connection_->closed()) {
    if (!attached_) {
      connection_->ReplyStatus(nullptr, attach_id_, status);
    } else if (detach_requested_) {
      if (!detach_id_.empty()) {
        connection_->Enqueue(absl::StrCat("{\"jsonrpc\":\"2.0\",\"id\":", detach_id_, ",\"result\":{}}"),
                             nullptr);
      }
    } else {
      // The bridge ended the session (lease expired, server shutting down): say why, so the
      // client can re-attach.
      std::string text = "{\"jsonrpc\":\"2.0\",\"method\":\"host.detached\",\"params\":{\"code\":";
      absl::StrAppend(&text, static_cast<int>(status.code()), ",\"status\":");
      std::string_view name = StatusCodeName(status.code());
      rpc::AppendJsonString(absl::string_view(name.data(), name.size()), &text);
      text.append(",\"message\":");
      rpc::AppendJsonString(status.message(), &text);
      text.append("}}");
      connection_->Enqueue(std::move(text), nullptr);
    }
  }
  for (auto& [invocation_id, id] : open_invocations_) connection_->DropClientRequest(id);
  open_invocations_.clear();
  if (stream_started_) connection_->state()->dispatcher.EndStream(ctx_, status);
  if (observer_) {
    observer_->OnDone();
    observer_.reset();
  }
  MaybeRelease();
}

void HostLink::MaybeRelease() {
  if (!ended_ || writes_pending_ > 0 || self_ == nullptr) return;
  std::shared_ptr<HostLink> self = std::move(self_);  // may destroy the link on return
}

}  // namespace pipebridge::jsonrpc
