#include "adapters/transcoding/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace pipebridge::transcoding {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Escapes for U+0000..U+009F (empty: copy as is), as util's kCommonEscapes.
struct AsciiEscapes {
  char text[160][7] = {};
  constexpr AsciiEscapes() {
    for (int c = 0; c < 160; ++c) {
      bool escape = c < 0x20 || c >= 0x7f || c == '<' || c == '>';
      if (!escape) continue;
      text[c][0] = '\\';
      text[c][1] = 'u';
      text[c][2] = '0';
      text[c][3] = '0';
      text[c][4] = kHex[c >> 4];
      text[c][5] = kHex[c & 0xf];
    }
    const char* shorts[][2] = {{"\b", "\\b"}, {"\t", "\\t"}, {"\n", "\\n"},
                               {"\f", "\\f"}, {"\r", "\\r"}, {"\"", "\\\""},
                               {"\\", "\\\\"}};
    for (auto& s : shorts) {
      int c = static_cast<unsigned char>(s[0][0]);
      for (int i = 0; i < 7; ++i) text[c][i] = 0;
      text[c][0] = s[1][0];
      text[c][1] = s[1][1];
    }
  }
};
constexpr AsciiEscapes kEscapes;

// True for the code points >= U+00A0 that util writes as \uXXXX.
bool EscapedAboveLatin1(uint32_t cp) {
  switch (cp) {
    case 0xfeff: case 0xfff9: case 0xfffa: case 0xfffb: case 0x00ad:
    case 0x06dd: case 0x070f: case 0x17b4: case 0x17b5:
      return true;
    default:
      return (cp >= 0x0600 && cp <= 0x0603) || (cp >= 0x200b && cp <= 0x200f) ||
             (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
             (cp >= 0x206a && cp <= 0x206f) || cp == 0xe0001 ||
             (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0020 && cp <= 0xe007f);
  }
}

void AppendU16(uint32_t unit, std::string* out) {
  char buf[6] = {'\\', 'u', kHex[(unit >> 12) & 0xf], kHex[(unit >> 8) & 0xf],
                 kHex[(unit >> 4) & 0xf], kHex[unit & 0xf]};
  out->append(buf, 6);
}

bool NeedsNoEscaping(std::string_view s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>') return false;
  }
  return true;
}

// Decodes one UTF-8 sequence at s[i] the way util's ReadCodePoint does: the lead byte decides the
// length (overlong forms are accepted), continuation bytes must be 10xxxxxx, surrogates and code
// points above U+10FFFF are invalid. Sets *len to the bytes consumed either way (util skips
// exactly those on error, or the rest of the string when it ends mid-sequence).
bool ReadCodePoint(std::string_view s, size_t i, uint32_t* cp, size_t* len) {
  uint32_t c = static_cast<unsigned char>(s[i]);
  int more;
  if (c <= 0x7f) {
    *cp = c;
    *len = 1;
    return true;
  } else if (c <= 0xbf) {
    *len = 1;
    return false;
  } else if (c <= 0xdf) {
    c &= 0x1f;
    more = 1;
  } else if (c <= 0xef) {
    c &= 0x0f;
    more = 2;
  } else if (c <= 0xf7) {
    c &= 0x07;
    more = 3;
  } else {
    *len = 1;
    return false;
  }
  size_t j = i + 1;
  while (more > 0 && j < s.size()) {
    uint32_t ch = static_cast<unsigned char>(s[j++]);
    --more;
    c = (c << 6) | (ch & 0x3f);
    if (ch < 0x80 || ch > 0xbf) {
      *len = j - i;
      return false;
    }
  }
  *len = j - i;
  if (more > 0) return false;  // truncated at the end of the string
  *cp = c;
  return (c & 0xfffff800) != 0xd800 && c <= 0x10ffff;
}

void AppendEscaped(std::string_view s, std::string* out) {
  size_t i = 0;
  size_t copy_from = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const char* esc = kEscapes.text[c];
      if (esc[0] == 0) {
        ++i;
        continue;
      }
      out->append(s.data() + copy_from, i - copy_from);
      out->append(esc);
      copy_from = ++i;
      continue;
    }
    uint32_t cp;
    size_t len;
    bool ok = ReadCodePoint(s, i, &cp, &len);
    if (!ok) {
      out->append(s.data() + copy_from, i - copy_from);
      copy_from = i += len;
      continue;
    }
    if (cp < 0xa0 ? kEscapes.text[cp][0] != 0 : EscapedAboveLatin1(cp)) {
      out->append(s.data() + copy_from, i - copy_from);
      if (cp < 0xa0) {
        out->append(kEscapes.text[cp]);
      } else if (cp >= 0x10000) {
        uint32_t v = cp - 0x10000;
        AppendU16(0xd800 + (v >> 10), out);
        AppendU16(0xdc00 + (v & 0x3ff), out);
      } else {
        AppendU16(cp, out);
      }
      copy_from = i + len;
    }
    i += len;
  }
  out->append(s.data() + copy_from, s.size() - copy_from);
}

bool AppendSpecial(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    return false;
  }
  return true;
}

template <typename T>
void AppendGeneral(T value, int short_precision, int long_precision, std::string* out) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::general,
                           short_precision);
  T back{};
  std::from_chars(buf, res.ptr, back);
  if (back != value) {
    res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::general,
                        long_precision);
  }
  out->append(buf, res.ptr - buf);
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

void AppendDigits(uint64_t value, int width, std::string* out) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, width);
}

// util's FormatNanos: nothing for 0, else 3, 6 or 9 digits.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  out->push_back('.');
  if (nanos % 1000000 == 0) {
    AppendDigits(nanos / 1000000, 3, out);
  } else if (nanos % 1000 == 0) {
    AppendDigits(nanos / 1000, 6, out);
  } else {
    AppendDigits(nanos, 9, out);
  }
}

constexpr int64_t kTimestampMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kTimestampMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
constexpr int64_t kDurationMaxSeconds = 315576000000;

bool ParseFixedDigits(std::string_view s, size_t pos, int count, int64_t* value) {
  if (pos + count > s.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// Parses ".d{1,9}" at s[*pos] into nanos; no fraction leaves nanos 0.
bool ParseFraction(std::string_view s, size_t* pos, int32_t* nanos) {
  *nanos = 0;
  if (*pos >= s.size() || s[*pos] != '.') return true;
  ++*pos;
  int digits = 0;
  int32_t v = 0;
  while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') {
    if (++digits > 9) return false;
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  if (digits == 0) return false;
  for (int i = digits; i < 9; ++i) v *= 10;
  *nanos = v;
  return true;
}

constexpr char kBase64Chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

void AppendJsonString(std::string_view value, std::string* out) {
  out->push_back('"');
  if (NeedsNoEscaping(value)) {
    out->append(value.data(), value.size());
  } else {
    AppendEscaped(value, out);
  }
  out->push_back('"');
}

void AppendDouble(double value, std::string* out) {
  if (AppendSpecial(value, out)) return;
  // Integral values print the same through %.15g: take the short way for the common case.
  if (value == static_cast<double>(static_cast<int64_t>(value)) && value > -1e15 &&
      value < 1e15 && !(value == 0 && std::signbit(value))) {
    AppendInt64(static_cast<int64_t>(value), out);
    return;
  }
  AppendGeneral(value, 15, 17, out);
}

void AppendFloat(float value, std::string* out) {
  if (AppendSpecial(value, out)) return;
  if (value != 0 && std::fabs(value) < std::numeric_limits<float>::min()) {
    // util's safe_strtof refuses the short form of a subnormal (strtof reports ERANGE), so
    // subnormals always take the long form.
    AppendGeneral(value, 9, 9, out);
    return;
  }
  AppendGeneral(value, 6, 9, out);
}

void AppendInt64(int64_t value, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, res.ptr - buf);
}

void AppendUint64(uint64_t value, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, res.ptr - buf);
}

void AppendBase64(std::string_view bytes, std::string* out) {
  out->push_back('"');
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    char buf[4] = {kBase64Chars[v >> 18], kBase64Chars[(v >> 12) & 63],
                   kBase64Chars[(v >> 6) & 63], kBase64Chars[v & 63]};
    out->append(buf, 4);
  }
  if (n - i == 1) {
    uint32_t v = p[i] << 16;
    char buf[4] = {kBase64Chars[v >> 18], kBase64Chars[(v >> 12) & 63], '=', '='};
    out->append(buf, 4);
  } else if (n - i == 2) {
    uint32_t v = (p[i] << 16) | (p[i + 1] << 8);
    char buf[4] = {kBase64Chars[v >> 18], kBase64Chars[(v >> 12) & 63],
                   kBase64Chars[(v >> 6) & 63], '='};
    out->append(buf, 4);
  }
  out->push_back('"');
}

bool DecodeBase64(std::string_view text, std::string* bytes) {
  bytes->clear();
  size_t n = text.size();
  while (n > 0 && text[n - 1] == '=') --n;
  if (text.size() - n > 2 || (text.size() != n && text.size() % 4 != 0)) return false;
  if (n % 4 == 1) return false;
  bytes->reserve(n * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[i];
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

bool AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out) {
  if (seconds < kTimestampMinSeconds || seconds > kTimestampMaxSeconds || nanos < 0 ||
      nanos >= 1000000000) {
    return false;
  }
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t secs_of_day = seconds - days * 86400;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  out->push_back('"');
  AppendDigits(static_cast<uint64_t>(year), 4, out);
  out->push_back('-');
  AppendDigits(month, 2, out);
  out->push_back('-');
  AppendDigits(day, 2, out);
  out->push_back('T');
  AppendDigits(static_cast<uint64_t>(secs_of_day / 3600), 2, out);
  out->push_back(':');
  AppendDigits(static_cast<uint64_t>(secs_of_day / 60 % 60), 2, out);
  out->push_back(':');
  AppendDigits(static_cast<uint64_t>(secs_of_day % 60), 2, out);
  AppendNanos(nanos, out);
  out->append("Z\"");
  return true;
}

bool AppendDuration(int64_t seconds, int32_t nanos, std::string* out) {
  if (seconds < -kDurationMaxSeconds || seconds > kDurationMaxSeconds ||
      nanos <= -1000000000 || nanos >= 1000000000 || (seconds < 0 && nanos > 0) ||
      (seconds > 0 && nanos < 0)) {
    return false;
  }
  out->push_back('"');
  if (seconds < 0 || nanos < 0) out->push_back('-');
  AppendUint64(static_cast<uint64_t>(seconds < 0 ? -seconds : seconds), out);
  AppendNanos(nanos < 0 ? -nanos : nanos, out);
  out->append("s\"");
  return true;
}

bool ParseTimestamp(std::string_view s, int64_t* seconds, int32_t* nanos) {
  int64_t year, month, day, hour, minute, second;
  if (!ParseFixedDigits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' ||
      !ParseFixedDigits(s, 5, 2, &month) || s[7] != '-' || !ParseFixedDigits(s, 8, 2, &day) ||
      s[10] != 'T' || !ParseFixedDigits(s, 11, 2, &hour) || s[13] != ':' ||
      !ParseFixedDigits(s, 14, 2, &minute) || s[16] != ':' ||
      !ParseFixedDigits(s, 17, 2, &second)) {
    return false;
  }
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  size_t pos = 19;
  if (!ParseFraction(s, &pos, nanos)) return false;
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int64_t oh, om;
    if (!ParseFixedDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ParseFixedDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  int64_t secs = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                     86400 +
                 hour * 3600 + minute * 60 + second - offset;
  if (secs < kTimestampMinSeconds || secs > kTimestampMaxSeconds) return false;
  *seconds = secs;
  return true;
}

bool ParseDuration(std::string_view s, int64_t* seconds, int32_t* nanos) {
  if (s.size() < 2 || s.back() != 's') return false;
  s.remove_suffix(1);
  bool negative = !s.empty() && s[0] == '-';
  size_t pos = negative ? 1 : 0;
  size_t digits_start = pos;
  int64_t secs = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (secs > kDurationMaxSeconds) return false;
    secs = secs * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == digits_start) return false;
  if (!ParseFraction(s, &pos, nanos) || pos != s.size()) return false;
  if (secs > kDurationMaxSeconds) return false;
  *seconds = negative ? -secs : secs;
  if (negative) *nanos = -*nanos;
  return true;
}

}  // namespace pipebridge::transcoding
