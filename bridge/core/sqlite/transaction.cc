#include "bridge/core/sqlite/transaction.h"

#include <utility>

namespace pipebridge::core::sqlite {
namespace {

// BEGIN, COMMIT and ROLLBACK run once per write: from the connection's statement cache
// they skip SQLite's parser and code generator each time (Execute prepares anew).
absl::Status RunCached(Connection& connection, absl::string_view sql) {
  absl::StatusOr<Statement> statement = connection.Prepare(sql);
  if (!statement.ok()) return statement.status();
  return statement->Run();
}

}  // namespace

absl::StatusOr<Transaction> Transaction::Begin(Connection& connection, Mode mode) {
  absl::Status status = RunCached(connection, mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!status.ok()) return status;
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)),
      finished_(other.finished_),
      committed_(other.committed_),
      after_commit_(std::move(other.after_commit_)) {
  other.finished_ = true;
  other.after_commit_.clear();
}

Transaction::~Transaction() {
  if (active()) (void)Rollback();
}

absl::Status Transaction::Commit() {
  if (!active()) return absl::FailedPreconditionError("transaction already finished");
  absl::Status status = RunCached(*connection_, "COMMIT");
  if (!status.ok()) {
    (void)RunCached(*connection_, "ROLLBACK");
    after_commit_.clear();
  }
  committed_ = status.ok();
  finished_ = true;
  return status;
}

absl::Status Transaction::Rollback() {
  if (!active()) return absl::FailedPreconditionError("transaction already finished");
  finished_ = true;
  after_commit_.clear();
  return RunCached(*connection_, "ROLLBACK");
}

void Transaction::AfterCommit(std::function<void()> fn) {
  if (fn) after_commit_.push_back(std::move(fn));
}

std::vector<std::function<void()>> Transaction::TakeAfterCommit() {
  if (!committed_) return {};
  return std::exchange(after_commit_, {});
}

}  // namespace pipebridge::core::sqlite
