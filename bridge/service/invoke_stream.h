// One HostService/InvokeStream call: the host's progress messages, then the result as the
// last message. Sends one message at a time (backpressure by write completion); a caller
// that falls behind loses its oldest progress messages, never the result. The caller
// going away cancels the invocation on the host.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bridge/core/hosts/host_registry.h"
#include "bridge/rpc/call_context.h"
#include "bridge/rpc/stream.h"
#include "pipebridge/v1/hosts.pb.h"

namespace pipebridge::service {

class InvokeStream : public rpc::StreamObserver {
 public:
  // Routes the invocation; on a refusal (no such host, bad args...) finishes the stream
  // with it.
  static std::unique_ptr<InvokeStream> Start(core::hosts::HostRegistry& registry,
                                             core::hosts::InvokeParams params,
                                             size_t max_queued_progress, rpc::ServerStream& stream);

  void OnSendDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Shared with the registry's callbacks, which may outlive the call.
  struct State {
    std::mutex mutex;
    rpc::ServerStream* stream = nullptr;  // null once the call is over
    std::deque<v1::InvokeStreamResponse> queue;
    size_t queued_progress = 0;
    size_t max_queued_progress = 0;
    bool in_flight = false;
    std::optional<absl::Status> final_status;  // set when the invocation is over
    bool finished = false;
    std::string invocation_id;
    void PumpLocked();
  };
  InvokeStream(core::hosts::HostRegistry& registry, std::shared_ptr<State> state)
      : registry_(registry), state_(std::move(state)) {}
  void CancelInvocation(const std::string& reason);

  core::hosts::HostRegistry& registry_;
  std::shared_ptr<State> state_;
};

}  // namespace pipebridge::service
