// One SQLite connection with the pipebridge pragmas and a prepared-statement cache.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/core/sqlite/sqlite_status.h"
#include "bridge/core/sqlite/statement.h"

struct sqlite3;

namespace pipebridge::core::sqlite {

// How hard a commit tries to reach the disk.
//
// kFull (default): synchronous=FULL. In WAL mode every commit fsyncs the WAL,
// so a committed write survives a process crash *and* an OS crash or power
// loss. The event log promises gapless ids that subscribers may already have
// seen, so the default never forgets a commit.
// kNormal: synchronous=NORMAL. Survives a process crash (the WAL is in the OS
// page cache), but the last commits may roll back on power loss. Faster; use
// for scratch stores and benchmarks.
enum class Durability { kFull, kNormal };

struct OpenOptions {
  Durability durability = Durability::kFull;
  // How long a statement waits on another process's lock before UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Prepared statements kept per connection (least recently used evicted).
  size_t statement_cache_size = 128;
  // Reader connections kept open when idle (Database only).
  int max_idle_readers = 8;
  // Page cache per connection, in KiB (PRAGMA cache_size=-N).
  int64_t cache_size_kib = 16 * 1024;
  // Memory-mapped reads (PRAGMA mmap_size): reads skip a pread copy per page.
  // 0 disables. A crash of the process cannot corrupt the file through mmap
  // (SQLite writes through write(), never through the map).
  int64_t mmap_size_bytes = int64_t{256} << 20;
  // Create the file when missing (its folder must exist).
  bool create_if_missing = true;
  // Internal diagnostics (SQL text, sqlite3_errmsg, paths); never user-facing.
  LogSink log;
};

// Owns one sqlite3 handle. Not thread-safe: one thread at a time (Database
// hands each connection to one thread at a time). Opening applies:
// journal_mode=WAL, synchronous per Durability, foreign_keys=ON,
// busy_timeout, cache_size, mmap_size, and for read-only connections query_only=ON.
class Connection {
 public:
  // Errors: FAILED_PRECONDITION when the folder of `path` does not exist or
  // the file cannot be opened, NOT_FOUND when the file is missing and
  // create_if_missing is false, DATA_LOSS when the file is not a database.
  // Messages never include `path`.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path,
                                                          const OpenOptions& options,
                                                          bool read_only = false);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement from the cache (prepared on first use). If the cached
  // statement for `sql` is already borrowed (nested use), a one-off statement
  // is prepared instead. `sql` must come from code, never from callers' values.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);
  // Runs one or more statements without parameters (DDL, pragmas).
  absl::Status Execute(absl::string_view sql);

  int64_t LastInsertRowId() const;
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  bool read_only() const { return read_only_; }
  const LogSink& log() const { return options_.log; }
  sqlite3* raw() const { return db_; }

 private:
  struct CacheEntry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
    std::list<std::string>::iterator lru;
  };
  Connection(sqlite3* db, OpenOptions options, bool read_only);
  void EvictIfFull();

  sqlite3* db_;
  OpenOptions options_;
  bool read_only_;
  std::unordered_map<std::string, CacheEntry> cache_;
  std::list<std::string> lru_;  // Front: most recently used.
};

}  // namespace pipebridge::core::sqlite
