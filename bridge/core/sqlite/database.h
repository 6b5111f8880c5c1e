// A SQLite database file shared by many threads: one writer, pooled readers.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/sqlite/connection.h"
#include "bridge/core/sqlite/transaction.h"

namespace pipebridge::core::sqlite {

// Thread-safety: every method may be called from any thread concurrently.
// - Writes are serialised: one writer connection behind a mutex; Write() runs
//   its function inside BEGIN IMMEDIATE on that connection, so writes from
//   other processes sharing the file also wait (busy timeout).
// - Reads run on a pool of reader connections (opened on demand, at most
//   OpenOptions::max_idle_readers kept idle). In WAL mode readers never block
//   the writer nor each other, and each Read() sees one consistent snapshot.
// - Calling Write() from inside a Write() function on the same thread returns
//   FAILED_PRECONDITION instead of deadlocking; use the Transaction you have.
// A Database must outlive every Read()/Write() call in flight.
class Database {
 public:
  // Opens (creating if allowed) the file at `path`; its folder must exist.
  // See Connection::Open for errors.
  static absl::StatusOr<std::unique_ptr<Database>> Open(std::string path,
                                                        OpenOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `fn` in a write transaction; commits when it returns OK, rolls back
  // (and returns its status) otherwise. A failed COMMIT is returned as such.
  // After a successful COMMIT, runs the transaction's AfterCommit callbacks
  // on this thread, outside the write lock (the next writer may already run),
  // serialised so that callbacks of successive transactions run in commit
  // order; Write returns once they have run. Calling Write from a callback
  // returns FAILED_PRECONDITION.
  absl::Status Write(absl::FunctionRef<absl::Status(Transaction&)> fn);

  // Runs `fn` on a reader connection inside a read transaction (snapshot).
  absl::Status Read(absl::FunctionRef<absl::Status(Connection&)> fn);

  const OpenOptions& options() const { return options_; }

 private:
  Database(std::string path, OpenOptions options, std::unique_ptr<Connection> writer);
  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> reader);

  const std::string path_;
  const OpenOptions options_;

  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  // Taken before write_mutex_ is released and held while after-commit
  // callbacks run: they run in commit order without holding up the writer.
  std::mutex after_commit_mutex_;

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace pipebridge::core::sqlite
