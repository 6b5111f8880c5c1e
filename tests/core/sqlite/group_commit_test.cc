// GroupCommit: concurrent requests share transactions, and each caller gets its own outcome,
// including when a request's apply throws.
#include "bridge/core/sqlite/group_commit.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bridge/core/sqlite/database.h"
#include "bridge/core/sqlite/transaction.h"
#include "gtest/gtest.h"
#include "tests/core/sqlite/scratch_database.h"

namespace pipebridge::core::sqlite {
namespace {

constexpr int kThrows = -1;

class GroupCommitTest : public testing::ScratchDatabaseTest {
 protected:
  GroupCommitTest() : ScratchDatabaseTest("CREATE TABLE t(id INTEGER PRIMARY KEY)") {}

  void TearDown() override {
    queue_.reset();
    ScratchDatabaseTest::TearDown();
  }

  // Inserts the request's id and returns it; kThrows throws after inserting, so a rollback is
  // needed to keep that row out.
  void MakeQueue() {
    queue_ = std::make_unique<GroupCommit<int, int>>(
        *db_, 16, [](Transaction& txn, const int& id) -> absl::StatusOr<int> {
          absl::Status inserted =
              txn.connection().Execute(id == kThrows ? "INSERT INTO t VALUES (-1)"
                                                     : "INSERT INTO t VALUES (" +
                                                           std::to_string(id) + ")");
          if (!inserted.ok()) return inserted;
          if (id == kThrows) throw std::runtime_error("disk says no");
          return id;
        });
  }

  // Runs `id` on its own thread; fails the test (instead of hanging it) if it does not return.
  absl::StatusOr<int> RunBounded(int id) {
    std::packaged_task<absl::StatusOr<int>()> task([this, id] { return queue_->Run(id); });
    std::future<absl::StatusOr<int>> result = task.get_future();
    std::thread(std::move(task)).detach();
    if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "Run(" << id << ") did not return within 10 s";
      std::abort();  // A caller is stuck in the queue; nothing after this can be trusted.
    }
    return result.get();
  }

  std::vector<int64_t> Rows() {
    std::vector<int64_t> rows;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> absl::Status {
                     auto stmt = c.Prepare("SELECT id FROM t ORDER BY id");
                     if (!stmt.ok()) return stmt.status();
                     while (true) {
                       auto row = stmt->Step();
                       if (!row.ok()) return row.status();
                       if (!*row) return absl::OkStatus();
                       rows.push_back(stmt->Int(0));
                     }
                   }).ok());
    return rows;
  }

  std::unique_ptr<GroupCommit<int, int>> queue_;
};

TEST_F(GroupCommitTest, AThrowingRequestFailsAloneAndTheQueueKeepsServing) {
  MakeQueue();
  absl::StatusOr<int> thrown = RunBounded(kThrows);
  ASSERT_EQ(thrown.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(thrown.status().message().find("disk says no"), std::string::npos)
      << thrown.status();

  absl::StatusOr<int> next = RunBounded(7);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, 7);
  EXPECT_EQ(Rows(), std::vector<int64_t>{7});  // The thrown request's insert rolled back.
}

TEST_F(GroupCommitTest, AThrowingRequestInABatchLeavesTheOthersCommitted) {
  MakeQueue();
  constexpr int kCallers = 12;
  std::vector<std::future<absl::StatusOr<int>>> results;
  for (int i = 0; i < kCallers; ++i) {
    int id = i == kCallers / 2 ? kThrows : i + 1;
    results.push_back(std::async(std::launch::async, [this, id] { return queue_->Run(id); }));
  }
  std::vector<int64_t> committed;
  int failed = 0;
  for (auto& result : results) {
    ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    absl::StatusOr<int> outcome = result.get();
    if (outcome.ok()) {
      committed.push_back(*outcome);
    } else {
      EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInternal) << outcome.status();
      ++failed;
    }
  }
  EXPECT_EQ(failed, 1);
  std::sort(committed.begin(), committed.end());
  EXPECT_EQ(Rows(), committed);
  EXPECT_EQ(committed.size(), static_cast<size_t>(kCallers - 1));
}

}  // namespace
}  // namespace pipebridge::core::sqlite
