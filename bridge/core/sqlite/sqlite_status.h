// Turns SQLite result codes into absl::Status for callers of the core.
//
// Contract: the message a caller sees names the operation and SQLite's generic
// text for the code ("database is locked", "disk I/O error"); it never carries
// SQL text, table contents or file paths. The detailed sqlite3_errmsg() and the
// SQL stay internal and go to the optional log sink (see OpenOptions::log).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"

struct sqlite3;

namespace pipebridge::core::sqlite {

// Receives internal diagnostic detail (SQL text, sqlite3_errmsg, paths). Never
// shown to remote callers; a server routes it to its own log.
using LogSink = std::function<void(absl::string_view)>;

// Maps a SQLite primary result code to the most specific absl code:
// BUSY/LOCKED -> UNAVAILABLE (retryable), CONSTRAINT -> FAILED_PRECONDITION,
// CORRUPT/NOTADB -> DATA_LOSS, FULL -> RESOURCE_EXHAUSTED, CANTOPEN -> NOT_FOUND
// for a missing folder is handled by the opener, PERM/READONLY ->
// PERMISSION_DENIED, INTERRUPT -> CANCELLED, everything else -> INTERNAL.
absl::StatusCode SqliteCodeToStatusCode(int result_code);

// Builds the caller-facing status for `result_code` during `operation`
// ("prepare", "step", "begin transaction", ...). `db` may be null. `sql` is
// only passed to `log`.
absl::Status SqliteStatus(int result_code, sqlite3* db, absl::string_view operation,
                          absl::string_view sql, const LogSink& log);

}  // namespace pipebridge::core::sqlite
