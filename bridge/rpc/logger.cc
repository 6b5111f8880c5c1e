#include "bridge/rpc/logger.h"

#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pipebridge::rpc {

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  if (text == "debug") *level = LogLevel::kDebug;
  else if (text == "info") *level = LogLevel::kInfo;
  else if (text == "warning" || text == "warn") *level = LogLevel::kWarning;
  else if (text == "error") *level = LogLevel::kError;
  else return false;
  return true;
}

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

namespace {

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

struct AppendValue {
  std::string* out;
  void operator()(absl::string_view v) const { AppendJsonString(v, out); }
  void operator()(int64_t v) const { absl::StrAppend(out, v); }
  void operator()(double v) const { absl::StrAppendFormat(out, "%.3f", v); }
  void operator()(bool v) const { out->append(v ? "true" : "false"); }
};

}  // namespace

void Logger::Log(LogLevel level, absl::string_view message,
                 std::initializer_list<LogField> fields) const {
  if (!Enabled(level)) return;
  std::string line = "{\"ts\":\"";
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line += "\",\"level\":\"";
  line.append(LevelName(level).data(), LevelName(level).size());
  line += "\",\"msg\":";
  AppendJsonString(message, &line);
  for (const LogField& field : fields) {
    line.push_back(',');
    AppendJsonString(field.key, &line);
    line.push_back(':');
    std::visit(AppendValue{&line}, field.value);
  }
  line += "}\n";
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // Logging must never take the server down.
    data += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace pipebridge::rpc
