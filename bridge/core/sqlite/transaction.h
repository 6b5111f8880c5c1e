// RAII SQLite transaction: rolls back unless committed.
#pragma once

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

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
  bool finished_ = false;
};

}  // namespace pipebridge::core::sqlite
