#include "bridge/core/sqlite/transaction.h"

#include <utility>

namespace pipebridge::core::sqlite {

absl::StatusOr<Transaction> Transaction::Begin(Connection& connection, Mode mode) {
  absl::Status status =
      connection.Execute(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!status.ok()) return status;
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)), finished_(other.finished_) {
  other.finished_ = true;
}

Transaction::~Transaction() {
  if (active()) (void)Rollback();
}

absl::Status Transaction::Commit() {
  if (!active()) return absl::FailedPreconditionError("transaction already finished");
  absl::Status status = connection_->Execute("COMMIT");
  if (!status.ok()) {
    (void)connection_->Execute("ROLLBACK");
  }
  finished_ = true;
  return status;
}

absl::Status Transaction::Rollback() {
  if (!active()) return absl::FailedPreconditionError("transaction already finished");
  finished_ = true;
  return connection_->Execute("ROLLBACK");
}

}  // namespace pipebridge::core::sqlite
