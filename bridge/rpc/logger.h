// Structured one-line logs: one JSON object per line, written with a single write(2) so
// lines from concurrent threads never interleave.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"
#include <variant>

#include "absl/strings/string_view.h"

namespace pipebridge::rpc {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Parses "debug", "info", "warning" (or "warn"), "error".
bool ParseLogLevel(absl::string_view text, LogLevel* level);

struct LogField {
  using Value = std::variant<absl::string_view, int64_t, double, bool>;
  LogField(absl::string_view k, absl::string_view v) : key(k), value(v) {}
  LogField(absl::string_view k, const std::string& v) : key(k), value(absl::string_view(v)) {}
  LogField(absl::string_view k, const char* v) : key(k), value(absl::string_view(v)) {}
  LogField(absl::string_view k, int v) : key(k), value(int64_t{v}) {}
  LogField(absl::string_view k, int64_t v) : key(k), value(v) {}
  LogField(absl::string_view k, double v) : key(k), value(v) {}
  LogField(absl::string_view k, bool v) : key(k), value(v) {}
  absl::string_view key;
  Value value;
};

class Logger {
 public:
  // Writes lines at `min_level` and above to file descriptor `fd` (not owned).
  explicit Logger(LogLevel min_level = LogLevel::kInfo, int fd = 2)
      : min_level_(min_level), fd_(fd) {}

  bool Enabled(LogLevel level) const { return level >= min_level_; }
  void Log(LogLevel level, absl::string_view message,
           std::initializer_list<LogField> fields = {}) const;

  void Debug(absl::string_view m, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kDebug, m, f); }
  void Info(absl::string_view m, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kInfo, m, f); }
  void Warning(absl::string_view m, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kWarning, m, f); }
  void Error(absl::string_view m, std::initializer_list<LogField> f = {}) const { Log(LogLevel::kError, m, f); }

 private:
  LogLevel min_level_;
  int fd_;
};

// Appends `text` to `out` as a JSON string literal (quotes included).
void AppendJsonString(absl::string_view text, std::string* out);

}  // namespace pipebridge::rpc
