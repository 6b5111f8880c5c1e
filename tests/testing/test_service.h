// Handlers of pipebridge.testing.v1.TestService, and a method table holding it, for tests
// of the rpc layer and of every transport.
#pragma once

#include <atomic>
#include <memory>

#include "absl/status/status.h"
#include "bridge/rpc/method_table.h"

namespace pipebridge::testing {

// What the handlers saw, for assertions.
struct TestServiceProbe {
  std::atomic<int> cancellations{0};
  std::atomic<int> streams_done{0};
};

// Adds TestService to `table` with its handlers; `probe` must outlive the table.
absl::Status RegisterTestService(rpc::MethodTable& table, TestServiceProbe& probe);

}  // namespace pipebridge::testing
