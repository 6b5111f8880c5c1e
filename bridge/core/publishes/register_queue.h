// Group commit for Register: concurrent Register calls share one write
// transaction (and one fsync) instead of queueing for one commit each.
//
// The first caller to find no batch running becomes the leader: it takes
// every waiting request (up to max_batch), registers them in one transaction
// and commits; each caller returns only after the commit that holds its
// publish (durability is unchanged). If any request of a batch fails, the
// whole transaction rolls back and each request of the batch is retried in a
// transaction of its own, so one bad request never fails or delays another's
// outcome beyond that retry, and no partial transaction (savepoint) is ever
// committed: change listeners only ever see rolled-back or committed writes
// as a whole. The leader hands leadership on as soon as its own request is
// done, so no caller serves others indefinitely.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/publishes/publish.h"
#include "bridge/core/sqlite/database.h"

namespace pipebridge::core::publishes {

class PublishStore;

class RegisterQueue {
 public:
  RegisterQueue(PublishStore& store, sqlite::Database& database, size_t max_batch)
      : store_(store), database_(database), max_batch_(max_batch) {}

  // Registers `request` (through PublishStore::RegisterInTransaction),
  // possibly in one transaction with other threads' requests.
  absl::StatusOr<Publish> Register(const RegisterRequest& request);

 private:
  struct Pending {
    const RegisterRequest* request = nullptr;
    absl::StatusOr<Publish> result = absl::UnknownError("not registered");
    bool done = false;
  };
  void RunBatch(const std::vector<Pending*>& batch);
  absl::StatusOr<Publish> RunOne(const RegisterRequest& request);

  PublishStore& store_;
  sqlite::Database& database_;
  const size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending*> waiting_;
  bool leader_active_ = false;
};

}  // namespace pipebridge::core::publishes
