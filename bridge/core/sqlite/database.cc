#include "bridge/core/sqlite/database.h"

#include <functional>
#include <utility>
#include <vector>

#include "bridge/core/status_macros.h"

namespace pipebridge::core::sqlite {
namespace {

// The thread currently inside Write(), to refuse re-entry without locking.
thread_local const Database* tls_writing = nullptr;
// The thread currently running Write()'s after-commit callbacks.
thread_local const Database* tls_after_commit = nullptr;

// Sets a thread-local marker for a scope, restoring the previous value.
class ScopedMark {
 public:
  ScopedMark(const Database*& slot, const Database* db) : slot_(slot), previous_(slot) {
    slot_ = db;
  }
  ~ScopedMark() { slot_ = previous_; }
  ScopedMark(const ScopedMark&) = delete;
  ScopedMark& operator=(const ScopedMark&) = delete;

 private:
  const Database*& slot_;
  const Database* previous_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(std::string path,
                                                         OpenOptions options) {
  absl::StatusOr<std::unique_ptr<Connection>> writer = Connection::Open(path, options);
  if (!writer.ok()) return writer.status();
  return std::unique_ptr<Database>(
      new Database(std::move(path), std::move(options), std::move(*writer)));
}

Database::Database(std::string path, OpenOptions options, std::unique_ptr<Connection> writer)
    : path_(std::move(path)), options_(std::move(options)), writer_(std::move(writer)) {}

Database::~Database() = default;

absl::Status Database::Write(absl::FunctionRef<absl::Status(Transaction&)> fn) {
  if (tls_writing == this) {
    return absl::FailedPreconditionError(
        "nested write: use the transaction already open on this thread");
  }
  if (tls_after_commit == this) {
    return absl::FailedPreconditionError("write from an after-commit callback");
  }
  std::unique_lock<std::mutex> lock(write_mutex_);
  std::vector<std::function<void()>> callbacks;
  {
    ScopedMark mark(tls_writing, this);
    absl::StatusOr<Transaction> txn = Transaction::Begin(*writer_, Transaction::Mode::kImmediate);
    if (!txn.ok()) return txn.status();
    absl::Status status = fn(*txn);
    if (!status.ok()) {
      (void)txn->Rollback();
      return status;
    }
    PB_RETURN_IF_ERROR(txn->Commit());
    callbacks = txn->TakeAfterCommit();
  }
  if (callbacks.empty()) return absl::OkStatus();
  // Hand-over-hand: the next writer may start once we hold the callback lock.
  std::lock_guard<std::mutex> after_commit_lock(after_commit_mutex_);
  lock.unlock();
  ScopedMark mark(tls_after_commit, this);
  for (std::function<void()>& callback : callbacks) callback();
  return absl::OkStatus();
}

absl::Status Database::Read(absl::FunctionRef<absl::Status(Connection&)> fn) {
  absl::StatusOr<std::unique_ptr<Connection>> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  absl::Status status;
  {
    absl::StatusOr<Transaction> txn = Transaction::Begin(**reader, Transaction::Mode::kDeferred);
    if (!txn.ok()) return txn.status();
    status = fn(**reader);
    // Ending a read transaction only releases the snapshot.
    (void)txn->Rollback();
  }
  ReleaseReader(std::move(*reader));
  return status;
}

absl::StatusOr<std::unique_ptr<Connection>> Database::AcquireReader() {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  return Connection::Open(path_, options_, /*read_only=*/true);
}

void Database::ReleaseReader(std::unique_ptr<Connection> reader) {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  if (static_cast<int>(idle_readers_.size()) < options_.max_idle_readers) {
    idle_readers_.push_back(std::move(reader));
  }
}

}  // namespace pipebridge::core::sqlite
