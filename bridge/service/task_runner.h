// A few worker threads for handler work that must not run on the thread that asked for
// it (e.g. an event-log wakeup, which may not call back into its subscription).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pipebridge::service {

class TaskRunner {
 public:
  explicit TaskRunner(int threads = 1);
  // Runs the queued tasks, then joins the threads.
  ~TaskRunner();
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  // Queues `task`; tasks run in order per thread, on one of the worker threads.
  void Post(std::function<void()> task);

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pipebridge::service
