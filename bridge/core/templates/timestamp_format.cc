#include "bridge/core/templates/timestamp_format.h"
#include "bridge/core/templates/absl_string_view.h"

#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pipebridge::core::templates {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool IsRealTime(const CivilTime& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= DaysInMonth(t.year, t.month) &&
         t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 &&
         t.second < 62;
}

bool ReadDigits(std::string_view text, size_t pos, int width, int* value) {
  if (pos + width > text.size()) return false;
  int v = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

int DayOfYear(const CivilTime& t) {
  int n = t.day;
  for (int m = 1; m < t.month; ++m) n += DaysInMonth(t.year, m);
  return n;
}

CivilTime FromTm(const std::tm& tm) {
  return CivilTime{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

}  // namespace

std::string ToIsoString(const CivilTime& t) {
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                         t.second);
}

bool FromIsoString(std::string_view text, CivilTime* t) {
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  CivilTime r;
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':') {
    return false;
  }
  if (!ReadDigits(text, 0, 4, &r.year) || !ReadDigits(text, 5, 2, &r.month) ||
      !ReadDigits(text, 8, 2, &r.day) || !ReadDigits(text, 11, 2, &r.hour) ||
      !ReadDigits(text, 14, 2, &r.minute) || !ReadDigits(text, 17, 2, &r.second)) {
    return false;
  }
  if (!IsRealTime(r)) return false;
  *t = r;
  return true;
}

CivilTime CurrentTime(bool utc) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (utc) {
    gmtime_r(&now, &tm);
  } else {
    localtime_r(&now, &tm);
  }
  return FromTm(tm);
}

CivilTime FromUnixSeconds(long long seconds) {
  std::time_t s = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return FromTm(tm);
}

absl::StatusOr<TimestampFormat> TimestampFormat::Compile(std::string_view spec) {
  TimestampFormat f;
  f.spec_ = std::string(spec);
  if (spec.empty()) return absl::InvalidArgumentError("format_spec is empty");
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) f.items_.push_back(Item{0, 0, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      literal += spec[i];
      continue;
    }
    if (i + 1 >= spec.size()) {
      return absl::InvalidArgumentError(
          Cat("format_spec '", spec, "' ends with a lone '%'"));
    }
    char d = spec[++i];
    int width = 0;
    switch (d) {
      case 'Y': width = 4; break;
      case 'j': width = 3; break;
      case 'y': case 'm': case 'd': case 'H': case 'M': case 'S': width = 2; break;
      case '%': literal += '%'; continue;
      default:
        return absl::InvalidArgumentError(Cat(
            "format_spec '", spec, "' uses %", std::string(1, d),
            ", which is not supported (use %Y %y %m %d %H %M %S %j %%)"));
    }
    flush();
    f.items_.push_back(Item{d, width, {}});
  }
  flush();
  return f;
}

std::string TimestampFormat::Format(const CivilTime& t) const {
  std::string out;
  for (const Item& item : items_) {
    switch (item.directive) {
      case 0: out += item.literal; break;
      case 'Y': out += absl::StrFormat("%04d", t.year); break;
      case 'y': out += absl::StrFormat("%02d", t.year % 100); break;
      case 'm': out += absl::StrFormat("%02d", t.month); break;
      case 'd': out += absl::StrFormat("%02d", t.day); break;
      case 'H': out += absl::StrFormat("%02d", t.hour); break;
      case 'M': out += absl::StrFormat("%02d", t.minute); break;
      case 'S': out += absl::StrFormat("%02d", t.second); break;
      case 'j': out += absl::StrFormat("%03d", DayOfYear(t)); break;
      default: break;
    }
  }
  return out;
}

bool TimestampFormat::Parse(std::string_view text, CivilTime* t) const {
  CivilTime r;
  int day_of_year = 0;
  size_t pos = 0;
  for (const Item& item : items_) {
    if (item.directive == 0) {
      if (text.compare(pos, item.literal.size(), item.literal) != 0) return false;
      pos += item.literal.size();
      continue;
    }
    int v = 0;
    if (!ReadDigits(text, pos, item.width, &v)) return false;
    pos += item.width;
    switch (item.directive) {
      case 'Y': r.year = v; break;
      case 'y': r.year = v < 69 ? 2000 + v : 1900 + v; break;  // as POSIX strptime
      case 'm': r.month = v; break;
      case 'd': r.day = v; break;
      case 'H': r.hour = v; break;
      case 'M': r.minute = v; break;
      case 'S': r.second = v; break;
      case 'j': day_of_year = v; break;
      default: break;
    }
  }
  if (pos != text.size()) return false;
  if (day_of_year > 0) {
    int days = IsLeap(r.year) ? 366 : 365;
    if (day_of_year > days) return false;
    r.month = 1;
    while (day_of_year > DaysInMonth(r.year, r.month)) day_of_year -= DaysInMonth(r.year, r.month++);
    r.day = day_of_year;
  }
  if (!IsRealTime(r)) return false;
  *t = r;
  return true;
}

}  // namespace pipebridge::core::templates
