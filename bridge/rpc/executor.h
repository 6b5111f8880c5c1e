// Somewhere to run work that may block, off the thread that asked for it.
#pragma once

#include <functional>

namespace pipebridge::rpc {

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `task` later on one of the executor's threads. Never runs it inline.
  virtual void Post(std::function<void()> task) = 0;
};

}  // namespace pipebridge::rpc
