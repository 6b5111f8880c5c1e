#include "bridge/rpc/call_context.h"

namespace pipebridge::rpc {

const Peer& CallContext::peer() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (peer_address_resolver_) {
    peer_.address = peer_address_resolver_();
    peer_address_resolver_ = nullptr;
  }
  return peer_;
}

void CallContext::Cancel() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
    callbacks.swap(cancel_callbacks_);
  }
  for (auto& callback : callbacks) callback();
}

void CallContext::OnCancel(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!cancelled_.load(std::memory_order_acquire)) {
      cancel_callbacks_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

}  // namespace pipebridge::rpc
