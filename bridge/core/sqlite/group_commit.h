// Group commit: concurrent writers share one write transaction (and one fsync) instead of
// queueing for a commit each. Used for publish registration and event publishing.
//
// The first caller to find no batch running becomes the leader: it takes every waiting
// request (up to max_batch), applies them in one transaction and commits; each caller
// returns only after the commit that holds its write (durability is unchanged). If any
// request of a batch fails, the whole transaction rolls back and each request of the batch
// is retried in a transaction of its own, so one bad request never fails another, and no
// partial transaction (savepoint) is ever committed: change listeners only ever see
// rolled-back or committed writes as a whole. The leader hands leadership on as soon as its
// own request is done, so no caller serves others indefinitely.
//
// A request whose apply throws fails alone, as INTERNAL naming the exception: an exception
// escaping the leader would leave its batch's callers, and every later one, waiting for a
// leader that is gone.
//
// Each caller waits on its own condition variable: a commit wakes the callers of its batch
// and, when the leader steps down, the longest-waiting caller (the next leader), not every
// waiting thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bridge/core/sqlite/database.h"

namespace pipebridge::core::sqlite {

template <typename Request, typename Result>
class GroupCommit {
 public:
  // Applies one request inside a write transaction of `database`.
  using Apply = std::function<absl::StatusOr<Result>(Transaction&, const Request&)>;

  GroupCommit(Database& database, size_t max_batch, Apply apply)
      : database_(database), max_batch_(max_batch), apply_(std::move(apply)) {}

  // Applies `request`, possibly in one transaction with other threads' requests, and
  // returns once that transaction committed (or the request failed).
  absl::StatusOr<Result> Run(const Request& request) {
    Pending mine;
    mine.request = &request;
    std::unique_lock<std::mutex> lock(mutex_);
    waiting_.push_back(&mine);
    mine.wake.wait(lock, [&] { return mine.done || !leader_active_; });
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
        for (Pending* pending : batch) {
          pending->done = true;
          // Under the lock: once done is seen, the waiter may return and destroy its Pending.
          if (pending != &mine) pending->wake.notify_one();
        }
      }
      leader_active_ = false;
      // The longest waiter, if any, leads the next batch; later arrivals see no leader.
      if (!waiting_.empty()) waiting_.front()->wake.notify_one();
    }
    return std::move(mine.result);
  }

 private:
  struct Pending {
    const Request* request = nullptr;
    absl::StatusOr<Result> result = absl::UnknownError("not applied");
    bool done = false;
    std::condition_variable wake;  // Guarded by mutex_.
  };

  absl::StatusOr<Result> ApplyCatching(Transaction& txn, const Request& request) {
    try {
      return apply_(txn, request);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("applying the request threw: ", e.what()));
    } catch (...) {
      return absl::InternalError("applying the request threw a non-standard exception");
    }
  }

  absl::StatusOr<Result> RunOne(const Request& request) {
    absl::StatusOr<Result> result = absl::UnknownError("not applied");
    absl::Status status = database_.Write([&](Transaction& txn) -> absl::Status {
      result = ApplyCatching(txn, request);
      return result.status();
    });
    if (!status.ok()) return status;
    return result;
  }

  void RunBatch(const std::vector<Pending*>& batch) {
    if (batch.size() == 1) {
      batch.front()->result = RunOne(*batch.front()->request);
      return;
    }
    std::vector<Result> results;
    absl::Status status = database_.Write([&](Transaction& txn) -> absl::Status {
      results.clear();
      for (const Pending* pending : batch) {
        absl::StatusOr<Result> result = ApplyCatching(txn, *pending->request);
        if (!result.ok()) return result.status();
        results.push_back(std::move(*result));
      }
      return absl::OkStatus();
    });
    if (status.ok()) {
      for (size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(results[i]);
      return;
    }
    for (Pending* pending : batch) pending->result = RunOne(*pending->request);
  }

  Database& database_;
  const size_t max_batch_;
  const Apply apply_;
  std::mutex mutex_;
  std::deque<Pending*> waiting_;
  bool leader_active_ = false;
};

}  // namespace pipebridge::core::sqlite
