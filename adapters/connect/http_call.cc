#include "adapters/connect/http_call.h"

#include <boost/asio/post.hpp>

#include "absl/strings/str_cat.h"
#include "adapters/connect/cors.h"

namespace pipebridge::connect {

HttpCall::HttpCall(Setup setup)
    : setup_(std::move(setup)),
      ctx_(*setup_.method,
           rpc::Peer{std::string(setup_.protocol->name()), setup_.responder->peer_address()},
           setup_.dispatcher->logger()),
      request_(setup_.method->request_prototype->New()) {
  if (!streaming()) response_.reset(setup_.method->response_prototype->New());
}

HttpCall::~HttpCall() = default;

void HttpCall::Start(std::string body) {
  self_ = shared_from_this();
  setup_.registry->Add(this, self_);
  absl::StatusOr<std::string_view> message =
      setup_.protocol->RequestMessage(setup_.meta, body, setup_.max_message_bytes);
  absl::Status decoded = message.ok() ? DecodeMessage(setup_.meta.codec, *message,
                                                      setup_.max_json_depth, request_.get())
                                      : message.status();
  if (!decoded.ok()) {
    RespondError(decoded);
    handler_done_ = true;
    Release();
    return;
  }
  ctx_.identity().authenticated = true;  // by the handler's CheckBearerToken
  if (setup_.meta.timeout.has_value()) ctx_.set_requested_timeout(*setup_.meta.timeout);
  if (streaming()) {
    StartStream();
  } else {
    StartUnary();
  }
}

// ---- Unary ----

void HttpCall::StartUnary() {
  dispatching_ = true;
  setup_.dispatcher->CallUnary(ctx_, *request_, response_.get(),
                               [this](absl::Status status) { OnUnaryDone(std::move(status)); });
  dispatching_ = false;
  if (handler_done_) {
    Release();
    return;
  }
  WatchClientAndDeadline();
}

void HttpCall::OnUnaryDone(absl::Status status) {
  if (setup_.responder->strand().running_in_this_thread()) {
    CompleteUnary(status);
    return;
  }
  // From the handler's own thread: self_ is stable until CompleteUnary runs.
  boost::asio::post(setup_.responder->strand(),
                    [self = self_, status = std::move(status)] { self->CompleteUnary(status); });
}

void HttpCall::CompleteUnary(const absl::Status& status) {
  handler_done_ = true;
  if (deadline_timer_) deadline_timer_->cancel();
  if (!answered_) {
    if (status.ok()) {
      std::string body;
      EncodeMessage(setup_.meta.codec, *response_, &body);
      Respond(setup_.protocol->UnaryResponse(setup_.meta, std::move(body), setup_.http_version));
    } else {
      RespondError(status);
    }
  }
  if (!dispatching_) Release();
}

void HttpCall::Respond(jsonrpc::HttpResponse response) {
  if (answered_) return;
  answered_ = true;
  AddCorsHeaders(setup_.origin, &response);
  setup_.responder->Respond(std::move(response));
}

void HttpCall::RespondError(const absl::Status& status) {
  Respond(setup_.protocol->ErrorResponse(setup_.meta, status, setup_.http_version));
}

void HttpCall::Abort(const absl::Status& status) {
  auto keep = shared_from_this();
  if (handler_done_ || released_) return;
  if (!streaming()) {
    RespondError(status);
    ctx_.Cancel();
    return;
  }
  const bool notify = !finish_requested_;
  ctx_.Cancel();
  if (notify && observer_) observer_->OnCancel();
  frames_.clear();  // messages not yet written are dropped: the call is over
  FinishStream(status);
}

void HttpCall::WatchClientAndDeadline() {
  std::weak_ptr<HttpCall> weak = self_;
  setup_.responder->OnClientGone([weak] {
    if (auto call = weak.lock()) call->Abort(absl::CancelledError("the client went away"));
  });
  absl::Time deadline = ctx_.deadline();
  if (deadline == absl::InfiniteFuture() || handler_done_) return;
  absl::Duration left = std::max(deadline - absl::Now(), absl::ZeroDuration());
  deadline_timer_.emplace(setup_.responder->strand());
  deadline_timer_->expires_after(absl::ToChronoNanoseconds(left));
  deadline_timer_->async_wait([weak](const boost::system::error_code& error) {
    auto call = weak.lock();
    if (error || !call) return;
    const int64_t ms = absl::ToInt64Milliseconds(call->ctx_.deadline() - call->ctx_.start_time());
    call->Abort(absl::DeadlineExceededError(absl::StrCat(
        "deadline exceeded: ", call->ctx_.method().full_name, " did not answer within ", ms,
        " ms")));
  });
}

// ---- Server streaming ----

void HttpCall::StartStream() {
  if (setup_.method->kind != rpc::MethodKind::kServerStreaming) {
    RespondError(absl::UnimplementedError(absl::StrCat(
        setup_.method->full_name,
        " is a bidirectional stream, which needs HTTP/2: call it over native gRPC")));
    handler_done_ = true;
    Release();
    return;
  }
  dispatching_ = true;
  absl::StatusOr<std::unique_ptr<rpc::StreamObserver>> observer =
      setup_.dispatcher->StartServerStream(ctx_, *request_, *this);
  dispatching_ = false;
  if (!observer.ok() || *observer == nullptr) {
    // Refused by the interceptor chain (nothing started), or a handler that gave no observer.
    RespondError(observer.ok() ? absl::InternalError(absl::StrCat(
                                     setup_.method->full_name, ": the handler started no stream"))
                               : observer.status());
    handler_done_ = true;
    Release();
    return;
  }
  observer_ = std::move(observer).value();
  stream_started_ = true;
  if (finish_requested_ && frames_.empty()) {
    // Finished inside the handler with nothing to send: one complete response.
    MaybeCompleteStream();
    return;
  }
  jsonrpc::HttpResponse header = setup_.protocol->StreamHeader(setup_.meta, setup_.http_version);
  AddCorsHeaders(setup_.origin, &header);
  setup_.responder->StartStream(std::move(header));
  header_sent_ = true;
  WatchClientAndDeadline();
  WriteNext();
  MaybeCompleteStream();
}

void HttpCall::Send(const google::protobuf::Message& message) {
  // Encoded on the caller's thread, so the handler may reuse `message` at once.
  std::string encoded;
  EncodeMessage(setup_.meta.codec, message, &encoded);
  std::string frame = setup_.protocol->StreamMessage(setup_.meta, encoded);
  if (setup_.responder->strand().running_in_this_thread()) {
    QueueFrame(std::move(frame));
    return;
  }
  boost::asio::post(setup_.responder->strand(),
                    [self = shared_from_this(), frame = std::move(frame)]() mutable {
                      self->QueueFrame(std::move(frame));
                    });
}

void HttpCall::Finish(absl::Status status) {
  // Always later, never inline: finishing may end the call (OnDone), and a handler calling
  // Finish from one of its own callbacks holds its locks (rpc::ServerStream's contract).
  boost::asio::post(setup_.responder->strand(),
                    [self = shared_from_this(), status = std::move(status)]() mutable {
                      self->FinishStream(std::move(status));
                    });
}

void HttpCall::QueueFrame(std::string frame) {
  if (finish_requested_ || handler_done_) return;
  frames_.push_back(std::move(frame));
  WriteNext();
}

void HttpCall::WriteNext() {
  if (!header_sent_ || writing_ || frames_.empty()) return;
  writing_ = true;
  std::string frame = std::move(frames_.front());
  frames_.pop_front();
  setup_.responder->Write(std::move(frame),
                          [self = shared_from_this()](bool ok) { self->OnWritten(ok); });
}

void HttpCall::OnWritten(bool ok) {
  writing_ = false;
  if (!ok) frames_.clear();  // the connection is gone: nothing more will be written
  if (observer_ && !handler_done_) observer_->OnSendDone(ok);
  WriteNext();
  MaybeCompleteStream();
}

void HttpCall::FinishStream(absl::Status status) {
  if (finish_requested_ || handler_done_) return;
  finish_requested_ = true;
  final_status_ = std::move(status);
  MaybeCompleteStream();
}

void HttpCall::MaybeCompleteStream() {
  if (!finish_requested_ || writing_ || !frames_.empty() || dispatching_ || handler_done_ ||
      !stream_started_) {
    return;
  }
  auto keep = shared_from_this();
  handler_done_ = true;
  if (deadline_timer_) deadline_timer_->cancel();
  if (!header_sent_) {
    if (final_status_.ok()) {
      jsonrpc::HttpResponse response =
          setup_.protocol->StreamHeader(setup_.meta, setup_.http_version);
      response.body() = setup_.protocol->StreamEnd(setup_.meta, final_status_);
      Respond(std::move(response));
    } else {
      RespondError(final_status_);
    }
  } else if (!answered_) {
    answered_ = true;
    setup_.responder->EndStream(setup_.protocol->StreamEnd(setup_.meta, final_status_));
  }
  setup_.dispatcher->EndStream(ctx_, final_status_);
  if (observer_) {
    observer_->OnDone();
    observer_.reset();
  }
  Release();
}

void HttpCall::Release() {
  if (released_) return;
  released_ = true;
  setup_.registry->Remove(this);
  std::shared_ptr<HttpCall> self = std::move(self_);  // may destroy the call on return
}

}  // namespace pipebridge::connect
