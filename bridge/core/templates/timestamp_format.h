// A compiled strftime-style format for timestamp keys ("%Y-%m-%d-%H-%M-%S").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pipebridge::core::templates {

// A calendar time with no zone, as Python's naive datetime that Toolkit uses.
struct CivilTime {
  int year = 1900;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;

  friend bool operator==(const CivilTime& a, const CivilTime& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day && a.hour == b.hour &&
           a.minute == b.minute && a.second == b.second;
  }
};

// "YYYY-MM-DDTHH:MM:SS": how Parse reports timestamp values.
std::string ToIsoString(const CivilTime& t);
// Reads "YYYY-MM-DDTHH:MM:SS" (or a space for the T, optional trailing "Z"); false if not.
bool FromIsoString(std::string_view text, CivilTime* t);
// The current local (utc = false) or UTC time.
CivilTime CurrentTime(bool utc);
// Seconds since 1970-01-01 UTC -> UTC civil time.
CivilTime FromUnixSeconds(long long seconds);

// Supports the fixed-width directives %Y %y %m %d %H %M %S %j and %%; everything
// else in the format is literal text. strftime always zero-pads these, and parsing
// requires the same widths (Python's strptime also takes "7" for %m; we do not, so
// that a parsed path always formats back to itself).
class TimestampFormat {
 public:
  // INVALID_ARGUMENT naming the directive for anything outside the supported set.
  static absl::StatusOr<TimestampFormat> Compile(std::string_view spec);

  std::string Format(const CivilTime& t) const;
  // True and fills `t` when `text` is entirely one timestamp in this format, with a
  // real date (month 1-12, day within the month, hour < 24, ...).
  bool Parse(std::string_view text, CivilTime* t) const;

  const std::string& spec() const { return spec_; }

  // For the ambiguity checker: each item is a literal or a run of `width` digits.
  struct Item {
    char directive = 0;  // 0 for literal text
    int width = 0;
    std::string literal;
  };
  const std::vector<Item>& items() const { return items_; }

 private:
  std::string spec_;
  std::vector<Item> items_;
};

}  // namespace pipebridge::core::templates
