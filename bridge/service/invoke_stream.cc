#include "bridge/service/invoke_stream.h"

#include "bridge/service/host_proto.h"
#include "bridge/service/json_struct.h"

namespace pipebridge::service {

namespace hosts = core::hosts;

std::unique_ptr<InvokeStream> InvokeStream::Start(hosts::HostRegistry& registry,
                                                  hosts::InvokeParams params,
                                                  size_t max_queued_progress,
                                                  rpc::ServerStream& stream) {
  auto state = std::make_shared<State>();
  state->stream = &stream;
  state->max_queued_progress = max_queued_progress;
  std::unique_ptr<InvokeStream> observer(new InvokeStream(registry, state));
  std::weak_ptr<State> weak = state;
  hosts::InvocationCallbacks callbacks;
  callbacks.on_progress = [weak](const hosts::InvocationProgress& progress) {
    auto locked = weak.lock();
    if (!locked) return;
    std::lock_guard<std::mutex> lock(locked->mutex);
    if (locked->stream == nullptr || locked->final_status.has_value()) return;
    if (locked->queued_progress >= locked->max_queued_progress) {
      // Drop the oldest queued progress: the caller is behind, the newest matters most.
      for (auto it = locked->queue.begin(); it != locked->queue.end(); ++it) {
        if (it->has_progress()) {
          locked->queue.erase(it);
          --locked->queued_progress;
          break;
        }
      }
    }
    v1::InvokeStreamResponse message;
    ProgressToProto(progress, message.mutable_progress());
    locked->queue.push_back(std::move(message));
    ++locked->queued_progress;
    locked->PumpLocked();
  };
  callbacks.on_done = [weak](hosts::InvocationOutcome outcome) {
    auto locked = weak.lock();
    if (!locked) return;
    std::lock_guard<std::mutex> lock(locked->mutex);
    if (outcome.value.ok()) {
      v1::InvokeStreamResponse message;
      message.mutable_result()->set_host_id(outcome.host_id);
      JsonToValue(*outcome.value, message.mutable_result()->mutable_result());
      locked->queue.push_back(std::move(message));
      locked->final_status = absl::OkStatus();
    } else {
      locked->final_status = outcome.value.status();
    }
    locked->PumpLocked();
  };
  auto started = registry.Invoke(std::move(params), std::move(callbacks));
  if (!started.ok()) {
    stream.Finish(started.status());
    return observer;
  }
  std::lock_guard<std::mutex> lock(state->mutex);
  state->invocation_id = started->invocation_id;
  return observer;
}

void InvokeStream::State::PumpLocked() {
  if (stream == nullptr || in_flight || finished) return;
  if (!queue.empty()) {
    if (queue.front().has_progress()) --queued_progress;
    in_flight = true;
    stream->Send(queue.front());
    queue.pop_front();
    return;
  }
  if (final_status.has_value()) {
    finished = true;
    stream->Finish(*final_status);
  }
}

void InvokeStream::OnSendDone(bool ok) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->in_flight = false;
  if (!ok) {  // the caller is gone; OnCancel / OnDone follow
    state_->queue.clear();
    state_->queued_progress = 0;
    return;
  }
  state_->PumpLocked();
}

void InvokeStream::CancelInvocation(const std::string& reason) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->final_status.has_value()) return;
    id = state_->invocation_id;
  }
  if (!id.empty()) registry_.Cancel(id, reason);
}

void InvokeStream::OnCancel() { CancelInvocation("cancelled"); }

void InvokeStream::OnDone() {
  CancelInvocation("cancelled");
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->stream = nullptr;
  state_->queue.clear();
}

}  // namespace pipebridge::service
