#include "bridge/core/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace pipebridge::core::sqlite {

absl::StatusCode SqliteCodeToStatusCode(int result_code) {
  switch (result_code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return absl::StatusCode::kOk;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_INTERRUPT:
      return absl::StatusCode::kCancelled;
    case SQLITE_CANTOPEN:
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status SqliteStatus(int result_code, sqlite3* db, absl::string_view operation,
                          absl::string_view sql, const LogSink& log) {
  if (log) {
    std::string detail = absl::StrCat("sqlite ", operation, " failed (", result_code, "): ",
                                      db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code));
    if (!sql.empty()) absl::StrAppend(&detail, " [sql: ", sql, "]");
    log(detail);
  }
  return absl::Status(SqliteCodeToStatusCode(result_code),
                      absl::StrCat("storage error during ", operation, ": ",
                                   sqlite3_errstr(result_code)));
}

}  // namespace pipebridge::core::sqlite
