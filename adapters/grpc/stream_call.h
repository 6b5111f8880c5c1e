// The server side of a gRPC streaming call, shared by server-streaming and bidi calls:
// queued writes with one in flight, Finish after the last write, cancellation, and the
// handler's observer called one callback at a time.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <mutex>

#include "adapters/grpc/grpc_call.h"
#include "adapters/grpc/tsan_handoff.h"
#include "bridge/rpc/dispatcher.h"

namespace pipebridge::grpc_adapter {

template <typename Reactor>
class StreamCall : public Reactor, public rpc::ServerStream {
 public:
  void Send(const google::protobuf::Message& message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finish_requested_) return;
    writes_.emplace_back();
    SerializeMessage(message, &writes_.back());
    if (writes_.size() == 1) this->StartWrite(&writes_.front());
  }

  void Finish(absl::Status status) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finish_requested_) return;
    finish_requested_ = true;
    final_status_ = std::move(status);
    if (writes_.empty()) this->Reactor::Finish(ToGrpcStatus(final_status_));
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writes_.pop_front();
      if (!ok) writes_.clear();  // The client is gone: nothing more will be written.
      if (!writes_.empty()) {
        this->StartWrite(&writes_.front());
      } else if (finish_requested_) {
        this->Reactor::Finish(ToGrpcStatus(final_status_));
      }
    }
    std::lock_guard<std::mutex> callbacks(callback_mutex_);
    if (observer_) observer_->OnSendDone(ok);
  }

  void OnCancel() override {
    TsanAcquireFromGrpc(this);  // Start's writes happen before: see tsan_handoff.h
    ctx_.Cancel();
    {
      std::lock_guard<std::mutex> callbacks(callback_mutex_);
      if (observer_) observer_->OnCancel();
    }
    Finish(absl::CancelledError("the call was cancelled"));
  }

  void OnDone() override {
    if (started_) dispatcher_.EndStream(ctx_, final_status_);
    {
      std::lock_guard<std::mutex> callbacks(callback_mutex_);
      if (observer_) observer_->OnDone();
      observer_.reset();
    }
    delete this;
  }

 protected:
  StreamCall(const rpc::Dispatcher& dispatcher, const rpc::Method& method,
             grpc::CallbackServerContext* server_context)
      : dispatcher_(dispatcher), ctx_(method, GrpcPeer(), dispatcher.logger()) {
    ReadCallMetadata(*server_context, ctx_);
  }

  // Sets the handler's observer, or finishes the call when the interceptors refused it.
  // Callbacks wait on callback_mutex_, which the caller holds while the handler starts.
  void Adopt(absl::StatusOr<std::unique_ptr<rpc::StreamObserver>> observer) {
    if (!observer.ok()) {
      Finish(observer.status());
      return;
    }
    started_ = true;
    observer_ = std::move(observer).value();
  }

  // What Start returns to gRPC: `this`, once everything Start wrote is published to OnCancel.
  Reactor* HandOver() {
    TsanReleaseToGrpc(this);
    return this;
  }

  bool finishing() {
    std::lock_guard<std::mutex> lock(mutex_);
    return finish_requested_;
  }

  const rpc::Dispatcher& dispatcher_;
  rpc::CallContext ctx_;
  std::mutex callback_mutex_;
  std::unique_ptr<rpc::StreamObserver> observer_;
  bool started_ = false;

 private:
  std::mutex mutex_;
  std::deque<grpc::ByteBuffer> writes_;  // front() is in flight
  bool finish_requested_ = false;
  absl::Status final_status_;
};

}  // namespace pipebridge::grpc_adapter
