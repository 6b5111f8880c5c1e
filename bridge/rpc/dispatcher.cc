#include "bridge/rpc/dispatcher.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace pipebridge::rpc {

absl::Status Dispatcher::Start(CallContext& ctx) const {
  for (size_t i = 0; i < chain_.size(); ++i) {
    absl::Status status = chain_[i]->OnCallStart(ctx);
    if (!status.ok()) {
      End(ctx, status, i);
      return status;
    }
  }
  return absl::OkStatus();
}

void Dispatcher::End(CallContext& ctx, const absl::Status& status, size_t started) const {
  for (size_t i = started; i > 0; --i) chain_[i - 1]->OnCallEnd(ctx, status);
}

void Dispatcher::CallUnary(CallContext& ctx, const google::protobuf::Message& request,
                           google::protobuf::Message* response, UnaryDone done) const {
  absl::Status status = Start(ctx);
  if (!status.ok()) {
    done(std::move(status));
    return;
  }
  UnaryDone finish = [this, &ctx, done = std::move(done)](absl::Status result) {
    End(ctx, result, chain_.size());
    done(std::move(result));
  };
  if (ctx.method().execution == Execution::kInline || blocking_ == nullptr) {
    ctx.method().unary(ctx, request, response, std::move(finish));
    return;
  }
  blocking_->Post([&ctx, &request, response, finish = std::move(finish)]() mutable {
    // A caller that has given up gets no late side effect: the write it queued never runs.
    if (ctx.cancelled()) {
      finish(absl::CancelledError(absl::StrCat(ctx.method().full_name, ": cancelled before it ran")));
    } else if (absl::Now() >= ctx.deadline()) {
      finish(absl::DeadlineExceededError(
          absl::StrCat(ctx.method().full_name, ": deadline passed before it ran")));
    } else {
      ctx.method().unary(ctx, request, response, std::move(finish));
    }
  });
}

absl::StatusOr<std::unique_ptr<StreamObserver>> Dispatcher::StartServerStream(
    CallContext& ctx, const google::protobuf::Message& request, ServerStream& stream) const {
  absl::Status status = Start(ctx);
  if (!status.ok()) return status;
  return ctx.method().server_streaming(ctx, request, stream);
}

absl::StatusOr<std::unique_ptr<StreamObserver>> Dispatcher::StartBidiStream(
    CallContext& ctx, ServerStream& stream) const {
  absl::Status status = Start(ctx);
  if (!status.ok()) return status;
  return ctx.method().bidi_streaming(ctx, stream);
}

void Dispatcher::EndStream(CallContext& ctx, const absl::Status& status) const {
  End(ctx, status, chain_.size());
}

}  // namespace pipebridge::rpc
