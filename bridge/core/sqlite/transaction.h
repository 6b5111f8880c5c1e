// RAII SQLite transaction: rolls back unless committed.
#pragma once

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::sqlite {

class Transaction {
 public:
  enum class Mode {
    kImmediate,  // BEGIN IMMEDIATE: takes the write lock now (writers).
    kDeferred,   // BEGIN: a read snapshot from the first read on (readers).
  };
  // Errors: UNAVAILABLE when another process holds the write lock beyond the
  // busy timeout.
  static absl::StatusOr<Transaction> Begin(Connection& connection,
                                           Mode mode = Mode::kImmediate);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Rolls back when neither Commit() nor Rollback() ran.
  ~Transaction();

  // After a failed commit the transaction is rolled back.
  absl::Status Commit();
  absl::Status Rollback();

  // The connection the transaction runs on: modules sharing the database
  // (publishes, events) prepare their own statements here.
  Connection& connection() { return *connection_; }
  bool active() const { return connection_ != nullptr && !finished_; }

  // Registers `fn` to run once the transaction has committed; it never runs
  // when the transaction rolls back (or its COMMIT fails). Database::Write
  // runs the callbacks of a committed transaction in registration order, on
  // the writing thread, after releasing the write lock, and callbacks of
  // successive transactions run in commit order. A callback must not throw
  // and must not call Database::Write (it returns FAILED_PRECONDITION there);
  // keep it short: the next transaction's callbacks wait for it.
  void AfterCommit(std::function<void()> fn);
  // Hands over the callbacks of a committed transaction (empty otherwise).
  std::vector<std::function<void()>> TakeAfterCommit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
  bool finished_ = false;
  bool committed_ = false;
  std::vector<std::function<void()>> after_commit_;
};

}  // namespace pipebridge::core::sqlite
