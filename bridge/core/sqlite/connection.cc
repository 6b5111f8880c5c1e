#include "bridge/core/sqlite/connection.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace pipebridge::core::sqlite {
namespace {

bool FolderExists(const std::string& path) {
  std::string::size_type slash = path.find_last_of('/');
  if (slash == std::string::npos) return true;  // Relative to the working folder.
  std::string folder = slash == 0 ? "/" : path.substr(0, slash);
  struct stat info;
  return ::stat(folder.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool FileExists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                             const OpenOptions& options,
                                                             bool read_only) {
  if (path.empty()) return absl::InvalidArgumentError("database path is empty");
  if (path == ":memory:" || path.rfind("file:", 0) == 0) {
    // A private in-memory database cannot be shared between the writer and
    // the readers of a Database; insist on a real file.
    return absl::InvalidArgumentError("database path must name a file");
  }
  if (!FolderExists(path)) {
    if (options.log) options.log(absl::StrCat("sqlite open: folder missing for ", path));
    return absl::FailedPreconditionError(
        "cannot open database: its folder does not exist (folders are not created)");
  }
  if (!options.create_if_missing && !FileExists(path)) {
    if (options.log) options.log(absl::StrCat("sqlite open: file missing: ", path));
    return absl::NotFoundError("cannot open database: the file does not exist");
  }
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE;
  if (options.create_if_missing && !read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    if (options.log) options.log(absl::StrCat("sqlite open failed for ", path));
    absl::Status status = SqliteStatus(rc, db, "open", "", options.log);
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> connection(new Connection(db, options, read_only));
  sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  // journal_mode=WAL persists in the file; readers only check it.
  std::string pragmas = absl::StrCat(
      read_only ? "" : "PRAGMA journal_mode=WAL;",
      "PRAGMA synchronous=", options.durability == Durability::kFull ? "FULL" : "NORMAL", ";",
      "PRAGMA foreign_keys=ON;", "PRAGMA cache_size=-", options.cache_size_kib, ";",
      "PRAGMA mmap_size=", options.mmap_size_bytes, ";", read_only ? "PRAGMA query_only=ON;" : "");
  absl::Status status = connection->Execute(pragmas);
  if (!status.ok()) return status;
  return connection;
}

Connection::Connection(sqlite3* db, OpenOptions options, bool read_only)
    : db_(db), options_(std::move(options)), read_only_(read_only) {}

Connection::~Connection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
  sqlite3_close_v2(db_);
}

absl::StatusOr<Statement> Connection::Prepare(absl::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    if (!it->second.in_use) {
      it->second.in_use = true;
      return Statement(it->second.stmt, &it->second.in_use, &options_.log, sql);
    }
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(rc, db_, "prepare", sql, options_.log);
  }
  if (it != cache_.end() || options_.statement_cache_size == 0) {
    return Statement(stmt, nullptr, &options_.log, sql);  // One-off.
  }
  EvictIfFull();
  lru_.emplace_front(sql);
  CacheEntry& entry = cache_[lru_.front()];
  entry.stmt = stmt;
  entry.in_use = true;
  entry.lru = lru_.begin();
  return Statement(stmt, &entry.in_use, &options_.log, sql);
}

void Connection::EvictIfFull() {
  if (cache_.size() < options_.statement_cache_size) return;
  for (auto it = lru_.rbegin(); it != lru_.rend(); ++it) {
    auto entry = cache_.find(*it);
    if (entry->second.in_use) continue;
    sqlite3_finalize(entry->second.stmt);
    cache_.erase(entry);
    lru_.erase(std::next(it).base());
    return;
  }
}

absl::Status Connection::Execute(absl::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "execute", sql, options_.log);
  return absl::OkStatus();
}

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

}  // namespace pipebridge::core::sqlite
