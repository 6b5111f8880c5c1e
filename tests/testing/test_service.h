// Handlers of pipebridge.testing.v1.TestService, and a method table holding it, for tests
// of the rpc layer and of every transport.
#pragma once

#include <atomic>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::testing {

// What the handlers saw, for assertions.
struct TestServiceProbe {
  std::atomic<int> cancellations{0};
  std::atomic<int> streams_done{0};
  // Delayed Echo handlers still running on their own threads. A fixture waits for none
  // before it destroys the dispatcher their completion runs through.
  std::atomic<int> handlers_running{0};

  // True once no delayed handler runs (false after `timeout`).
  bool WaitForHandlers(absl::Duration timeout = absl::Seconds(5)) const {
    const absl::Time end = absl::Now() + timeout;
    while (handlers_running.load() > 0) {
      if (absl::Now() >= end) return false;
      absl::SleepFor(absl::Milliseconds(2));
    }
    return true;
  }
};

// Adds TestService to `table` with its handlers; `probe` must outlive the table.
absl::Status RegisterTestService(rpc::MethodTable& table, TestServiceProbe& probe);

}  // namespace pipebridge::testing
