#include "adapters/jsonrpc/jsonrpc_call.h"

#include <boost/asio/post.hpp>

#include "absl/strings/str_cat.h"
#include "adapters/transcoding/json_codec.h"

namespace pipebridge::jsonrpc {

Call::Call(std::shared_ptr<JsonRpcConnection> connection, const rpc::Method& method,
           std::string_view id, std::shared_ptr<BatchReply> batch)
    : connection_(std::move(connection)),
      id_(id),
      batch_(std::move(batch)),
      ctx_(method, rpc::Peer{connection_->peer().transport, std::string()},
           connection_->state()->dispatcher.logger()),
      request_(method.request_prototype->New()) {
  // The address is the connection's; a pointer to it avoids copying it into every call.
  const std::string* address = &connection_->peer().address;
  ctx_.set_peer_address_resolver([address] { return *address; });
  if (method.kind == rpc::MethodKind::kUnary) response_.reset(method.response_prototype->New());
}

Call::~Call() = default;

bool Call::streaming() const { return ctx_.method().kind != rpc::MethodKind::kUnary; }

void Call::Start() {
  self_ = shared_from_this();
  if (batch_) batch_->pending++;
  if (id_.empty()) answered_ = true;  // a notification is never answered
  const rpc::Dispatcher& dispatcher = connection_->state()->dispatcher;
  dispatching_ = true;
  if (!streaming()) {
    dispatcher.CallUnary(ctx_, *request_, response_.get(),
                         [this](absl::Status status) { OnUnaryDone(std::move(status)); });
    dispatching_ = false;
    if (handler_done_) {
      Release();
      return;
    }
    ArmDeadline();
    return;
  }
  absl::StatusOr<std::unique_ptr<rpc::StreamObserver>> observer =
      dispatcher.StartServerStream(ctx_, *request_, *this);
  dispatching_ = false;
  if (!observer.ok() || *observer == nullptr) {
    // Refused by the interceptor chain, or a handler that gave no observer (the server's
    // fault: Internal error, -32603). Nothing started.
    if (observer.ok()) {
      AnswerInternalError(absl::StrCat(ctx_.method().full_name, ": the handler started no stream"));
    } else {
      Answer(observer.status());
    }
    handler_done_ = true;
    Release();
    return;
  }
  observer_ = std::move(observer).value();
  stream_started_ = true;
  if (finish_requested_) {
    MaybeCompleteStream();
    if (released_) return;
  }
  ArmDeadline();
}

void Call::OnUnaryDone(absl::Status status) {
  if (connection_->strand().running_in_this_thread()) {
    CompleteUnary(std::move(status));
    return;
  }
  // From the handler's own thread: self_ is stable until CompleteUnary runs.
  boost::asio::post(connection_->strand(),
                    [self = self_, status = std::move(status)]() mutable {
                      self->CompleteUnary(std::move(status));
                    });
}

void Call::CompleteUnary(absl::Status status) {
  handler_done_ = true;
  if (deadline_timer_) deadline_timer_->cancel();
  Answer(status);
  if (!dispatching_) Release();
}

void Call::Abort(const absl::Status& status) {
  auto keep = shared_from_this();
  if (handler_done_) return;
  if (!streaming()) {
    Answer(status);
    ctx_.Cancel();
    return;
  }
  bool notify = !finish_requested_;
  ctx_.Cancel();
  if (notify && observer_) observer_->OnCancel();
  FinishStream(status);
}

void Call::Send(const google::protobuf::Message& message) {
  auto append = [this, &message](std::string* out) {
    out->append("{\"jsonrpc\":\"2.0\",\"method\":\"$/stream\",\"params\":{\"id\":");
    out->append(id_);
    out->append(",\"message\":");
    transcoding::MessageToJson(message, out);
    out->append("}}");
  };
  if (connection_->strand().running_in_this_thread()) {
    std::string text = connection_->TakeBuffer();
    append(&text);
    QueueStreamMessage(std::move(text));
    return;
  }
  std::string text;
  append(&text);
  boost::asio::post(connection_->strand(),
                    [self = shared_from_this(), text = std::move(text)]() mutable {
                      self->QueueStreamMessage(std::move(text));
                    });
}

void Call::Finish(absl::Status status) {
  // Always later, never inline: finishing may end the call (OnDone), and a handler calling
  // Finish from one of its own callbacks holds its locks (e.g. in OnSendDone).
  boost::asio::post(connection_->strand(),
                    [self = shared_from_this(), status = std::move(status)]() mutable {
                      self->FinishStream(std::move(status));
                    });
}

void Call::QueueStreamMessage(std::string text) {
  if (finish_requested_ || handler_done_ || connection_->closed()) return;
  ++sends_pending_;
  connection_->Enqueue(std::move(text), this);
}

void Call::OnWritten(bool ok) {
  auto keep = shared_from_this();
  --sends_pending_;
  if (observer_ && !handler_done_) observer_->OnSendDone(ok);
  MaybeCompleteStream();
}

void Call::FinishStream(absl::Status status) {
  if (finish_requested_ || handler_done_) return;
  finish_requested_ = true;
  final_status_ = std::move(status);
  MaybeCompleteStream();
}

void Call::MaybeCompleteStream() {
  if (!finish_requested_ || sends_pending_ > 0 || dispatching_ || handler_done_) return;
  if (!stream_started_) return;  // Start() completes it once the observer is adopted
  auto keep = shared_from_this();
  handler_done_ = true;
  if (deadline_timer_) deadline_timer_->cancel();
  Answer(final_status_);
  connection_->state()->dispatcher.EndStream(ctx_, final_status_);
  if (observer_) {
    observer_->OnDone();
    observer_.reset();
  }
  Release();
}

void Call::Answer(const absl::Status& status) {
  if (answered_) return;
  answered_ = true;
  connection_->ForgetId(this);
  if (connection_->closed()) return;
  std::string* out = connection_->BeginReply(batch_.get(), id_);
  if (!status.ok()) {
    AppendStatusError(status, out);
  } else if (streaming()) {
    out->append("\"result\":{}");
  } else {
    out->append("\"result\":");
    transcoding::MessageToJson(*response_, out);
  }
  connection_->EndReply(batch_.get(), out);
  if (batch_) connection_->FinishBatchPart(batch_.get());
}

void Call::AnswerInternalError(std::string_view message) {
  if (answered_) return;
  answered_ = true;
  connection_->ForgetId(this);
  if (connection_->closed()) return;
  connection_->ReplyProtocolError(batch_.get(), id_, ProtocolError::kInternalError, message);
  if (batch_) connection_->FinishBatchPart(batch_.get());
}

void Call::ArmDeadline() {
  if (released_ || handler_done_) return;
  absl::Time deadline = ctx_.deadline();
  if (deadline == absl::InfiniteFuture()) return;
  absl::Duration left = std::max(deadline - absl::Now(), absl::ZeroDuration());
  deadline_timer_.emplace(connection_->strand());
  deadline_timer_->expires_after(absl::ToChronoNanoseconds(left));
  deadline_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error) return;
    int64_t ms = absl::ToInt64Milliseconds(self->ctx_.deadline() - self->ctx_.start_time());
    self->Abort(absl::DeadlineExceededError(
        absl::StrCat("deadline exceeded: ", self->ctx_.method().full_name, " did not answer within ",
                     ms, " ms")));
  });
}

void Call::Release() {
  if (released_) return;
  released_ = true;
  connection_->Untrack(this);
  std::shared_ptr<Call> self = std::move(self_);  // may destroy the call on return
}

}  // namespace pipebridge::jsonrpc
