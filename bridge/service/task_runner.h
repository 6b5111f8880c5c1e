// A few worker threads for handler work that must not run on the thread that asked for
// it: an event-log wakeup (which may not call back into its subscription), or the
// dispatcher's blocking calls (store work kept off the transports' threads).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "bridge/rpc/executor.h"

namespace pipebridge::service {

class TaskRunner : public rpc::Executor {
 public:
  explicit TaskRunner(int threads = 1);
  // Runs the queued tasks, then joins the threads.
  ~TaskRunner() override;
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  // Queues `task`; tasks run in order per thread, on one of the worker threads.
  void Post(std::function<void()> task) override;

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pipebridge::service
