#include "bridge/core/publishes/register_queue.h"

#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

absl::StatusOr<Publish> RegisterQueue::Register(const RegisterRequest& request) {
  Pending mine;
  mine.request = &request;
  std::unique_lock<std::mutex> lock(mutex_);
  waiting_.push_back(&mine);
  changed_.wait(lock, [&] { return mine.done || !leader_active_; });
  if (!mine.done) {
    leader_active_ = true;
    while (!mine.done) {
      std::vector<Pending*> batch;
      while (!waiting_.empty() && batch.size() < max_batch_) {
        batch.push_back(waiting_.front());
        waiting_.pop_front();
      }
      lock.unlock();
      RunBatch(batch);
      lock.lock();
      for (Pending* pending : batch) pending->done = true;
      changed_.notify_all();
    }
    leader_active_ = false;
    changed_.notify_all();  // A waiter, if any, leads the next batch.
  }
  return std::move(mine.result);
}

absl::StatusOr<Publish> RegisterQueue::RunOne(const RegisterRequest& request) {
  Publish publish;
  PB_RETURN_IF_ERROR(database_.Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(publish, store_.RegisterInTransaction(txn, request));
    return absl::OkStatus();
  }));
  return publish;
}

void RegisterQueue::RunBatch(const std::vector<Pending*>& batch) {
  if (batch.size() == 1) {
    batch.front()->result = RunOne(*batch.front()->request);
    return;
  }
  std::vector<Publish> publishes;
  absl::Status status = database_.Write([&](sqlite::Transaction& txn) -> absl::Status {
    publishes.clear();
    for (const Pending* pending : batch) {
      PB_ASSIGN_OR_RETURN(Publish publish, store_.RegisterInTransaction(txn, *pending->request));
      publishes.push_back(std::move(publish));
    }
    return absl::OkStatus();
  });
  if (status.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(publishes[i]);
    return;
  }
  for (Pending* pending : batch) pending->result = RunOne(*pending->request);
}

}  // namespace pipebridge::core::publishes
