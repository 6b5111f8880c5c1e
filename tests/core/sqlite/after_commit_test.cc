// Transaction::AfterCommit as run by Database::Write: only after a successful
// COMMIT, in commit order, outside the write lock.
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bridge/core/sqlite/database.h"
#include "bridge/core/sqlite/transaction.h"
#include "gtest/gtest.h"
#include "tests/core/sqlite/scratch_database.h"

namespace pipebridge::core::sqlite {
namespace {

class AfterCommitTest : public testing::ScratchDatabaseTest {
 protected:
  AfterCommitTest()
      : ScratchDatabaseTest(
            "CREATE TABLE t(id INTEGER PRIMARY KEY);"
            "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
            "CREATE TABLE child(id INTEGER PRIMARY KEY, parent INTEGER "
            "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);") {}

  int64_t CountRows() { return ReadInt("SELECT COUNT(*) FROM t"); }
};

TEST_F(AfterCommitTest, RunsAfterCommitInRegistrationOrderAndSeesTheCommittedRow) {
  std::vector<std::string> calls;
  int64_t rows_seen_by_callback = -1;
  absl::Status status = db_->Write([&](Transaction& txn) {
    txn.AfterCommit([&] {
      calls.push_back("first");
      rows_seen_by_callback = CountRows();  // A reader: the commit is visible.
    });
    txn.AfterCommit([&] { calls.push_back("second"); });
    calls.push_back("body");
    return txn.connection().Execute("INSERT INTO t(id) VALUES (1)");
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(calls, (std::vector<std::string>{"body", "first", "second"}));
  EXPECT_EQ(rows_seen_by_callback, 1);
}

TEST_F(AfterCommitTest, NeverRunsWhenTheFunctionFails) {
  bool ran = false;
  absl::Status status = db_->Write([&](Transaction& txn) {
    txn.AfterCommit([&] { ran = true; });
    absl::Status insert = txn.connection().Execute("INSERT INTO t(id) VALUES (1)");
    if (!insert.ok()) return insert;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(ran);
  EXPECT_EQ(CountRows(), 0);
}

TEST_F(AfterCommitTest, NeverRunsWhenCommitFails) {
  bool ran = false;
  // A deferred foreign key is checked at COMMIT, which then fails.
  absl::Status status = db_->Write([&](Transaction& txn) {
    txn.AfterCommit([&] { ran = true; });
    return txn.connection().Execute("INSERT INTO child(id, parent) VALUES (1, 99)");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(ran);
  // The writer is usable afterwards and its next callbacks run.
  status = db_->Write([&](Transaction& txn) {
    txn.AfterCommit([&] { ran = true; });
    return txn.connection().Execute("INSERT INTO t(id) VALUES (1)");
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(ran);
}

TEST_F(AfterCommitTest, RunsOutsideTheWriteLock) {
  // The callback waits for another thread's whole Write to finish: it would
  // deadlock (and time out) if the callback still held the write lock.
  std::future_status other_writer = std::future_status::deferred;
  absl::Status status = db_->Write([&](Transaction& txn) {
    txn.AfterCommit([&] {
      std::future<absl::Status> other = std::async(std::launch::async, [&] {
        return db_->Write([](Transaction& t) {
          return t.connection().Execute("INSERT INTO t(id) VALUES (2)");
        });
      });
      other_writer = other.wait_for(std::chrono::seconds(10));
    });
    return txn.connection().Execute("INSERT INTO t(id) VALUES (1)");
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(other_writer, std::future_status::ready);
  EXPECT_EQ(CountRows(), 2);
}

TEST_F(AfterCommitTest, WriteFromACallbackIsRefused) {
  absl::Status inner = absl::OkStatus();
  ASSERT_TRUE(db_->Write([&](Transaction& txn) {
                   txn.AfterCommit([&] {
                     inner = db_->Write([](Transaction&) { return absl::OkStatus(); });
                   });
                   return absl::OkStatus();
                 }).ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(AfterCommitTest, CallbacksOfConcurrentWritersRunInCommitOrder) {
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 100;
  std::mutex mutex;
  std::vector<int64_t> seen;  // Ids in the order their callbacks ran.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        absl::Status status = db_->Write([&](Transaction& txn) {
          auto stmt = txn.connection().Prepare(
              "INSERT INTO t(id) SELECT COALESCE(MAX(id), 0) + 1 FROM t RETURNING id");
          if (!stmt.ok()) return stmt.status();
          auto row = stmt->Step();
          if (!row.ok()) return row.status();
          int64_t id = stmt->Int(0);
          txn.AfterCommit([&mutex, &seen, id] {
            std::lock_guard<std::mutex> lock(mutex);
            seen.push_back(id);
          });
          return absl::OkStatus();
        });
        ASSERT_TRUE(status.ok()) << status;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kWritesPerThread));
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], static_cast<int64_t>(i + 1));
}

TEST_F(AfterCommitTest, MovedTransactionKeepsItsCallbacks) {
  auto connection = Connection::Open(path(), {});
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto txn = Transaction::Begin(**connection);
  ASSERT_TRUE(txn.ok());
  bool ran = false;
  txn->AfterCommit([&] { ran = true; });
  Transaction moved(std::move(*txn));
  EXPECT_TRUE(txn->TakeAfterCommit().empty());
  EXPECT_TRUE(moved.TakeAfterCommit().empty()) << "not committed yet";
  ASSERT_TRUE(moved.Commit().ok());
  auto callbacks = moved.TakeAfterCommit();
  ASSERT_EQ(callbacks.size(), 1u);
  callbacks[0]();
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace pipebridge::core::sqlite
