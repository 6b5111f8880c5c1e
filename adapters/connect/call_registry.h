// The calls of one ConnectHandler that have not ended yet, so that Shutdown can wait for them
// and cancel the ones that would never end by themselves (streams).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace pipebridge::connect {

class HttpCall;

class CallRegistry {
 public:
  void Add(HttpCall* call, std::weak_ptr<HttpCall> weak) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_[call] = std::move(weak);
    size_.store(static_cast<int64_t>(calls_.size()), std::memory_order_relaxed);
  }
  void Remove(HttpCall* call) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.erase(call);
    size_.store(static_cast<int64_t>(calls_.size()), std::memory_order_relaxed);
  }
  int64_t size() const { return size_.load(std::memory_order_relaxed); }
  std::vector<std::shared_ptr<HttpCall>> Live() {
    std::vector<std::shared_ptr<HttpCall>> result;
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [raw, weak] : calls_) {
      if (auto strong = weak.lock()) result.push_back(std::move(strong));
    }
    return result;
  }

 private:
  std::mutex mutex_;
  absl::flat_hash_map<HttpCall*, std::weak_ptr<HttpCall>> calls_;
  std::atomic<int64_t> size_{0};
};

}  // namespace pipebridge::connect
