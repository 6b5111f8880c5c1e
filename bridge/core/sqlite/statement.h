// A prepared SQLite statement borrowed from a Connection: bind, step, read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/sqlite/sqlite_status.h"

struct sqlite3_stmt;

namespace pipebridge::core::sqlite {

// A value bound to or read from SQL: NULL, INTEGER, REAL or TEXT.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

class Connection;

// Move-only handle. Parameters are 1-based as in SQLite. Destruction resets
// the statement and clears its bindings; a statement from the connection's
// cache goes back to the cache, a one-off statement is finalized. A Statement
// must not outlive its Connection and is used by one thread at a time (the
// thread that holds the connection).
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding never fails loudly here: the first bind error is remembered and
  // returned by the next Step()/Run().
  void BindNull(int index);
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, absl::string_view value);
  void BindValue(int index, const Value& value);
  // Binds values[0] to parameter `first`, values[1] to first + 1, ...
  void BindAll(const std::vector<Value>& values, int first = 1);

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, ignoring rows (INSERT/UPDATE/DELETE/DDL).
  absl::Status Run();
  // Resets so the statement can run again with new bindings.
  void Reset();

  int ColumnCount() const;
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  // Valid until the next Step()/Reset().
  absl::string_view Text(int column) const;
  // The column as a Value, by its storage class.
  Value ColumnValue(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, bool* in_use, const LogSink* log, absl::string_view sql_for_log);
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  bool* in_use_ = nullptr;  // Non-null for a cached statement: cleared on release.
  const LogSink* log_ = nullptr;
  int bind_error_ = 0;
};

}  // namespace pipebridge::core::sqlite
