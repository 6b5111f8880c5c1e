// The pieces of JSON text the codec writes, each formatted exactly as protobuf 3.21's util does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pipebridge::transcoding {

// Appends `value` as a quoted JSON string, escaped as util's JsonEscaping does: `"`, `\`, `<`,
// `>`, U+0000..U+001F, U+007F..U+009F and a list of invisible or separator characters (U+00AD,
// U+2028, U+FEFF...) become \uXXXX (or \b \t \n \f \r); other UTF-8 is copied; bytes that are
// not valid UTF-8 are dropped.
void AppendJsonString(std::string_view value, std::string* out);

// Shortest of "%.15g" / "%.17g" that reads back equal (util's SimpleDtoa); NaN and infinities as
// the strings "NaN", "Infinity", "-Infinity".
void AppendDouble(double value, std::string* out);
// "%.6g" / "%.9g" (util's SimpleFtoa), same special values.
void AppendFloat(float value, std::string* out);

void AppendInt64(int64_t value, std::string* out);
void AppendUint64(uint64_t value, std::string* out);

// Standard base64 with padding.
void AppendBase64(std::string_view bytes, std::string* out);
// Accepts standard and URL-safe alphabets, with or without padding.
bool DecodeBase64(std::string_view text, std::string* bytes);

// RFC 3339 in UTC, fractional seconds in 0, 3, 6 or 9 digits: "2024-05-01T12:00:00.250Z".
// False (and nothing appended) when outside 0001-01-01..9999-12-31 or nanos outside [0, 1e9).
bool AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out);
// "1.5s", "-0.000001s". False when outside +-315576000000 s or with mixed signs.
bool AppendDuration(int64_t seconds, int32_t nanos, std::string* out);

// Inverses, accepting what util accepts (RFC 3339 with any offset; 1 to 9 fraction digits).
bool ParseTimestamp(std::string_view text, int64_t* seconds, int32_t* nanos);
bool ParseDuration(std::string_view text, int64_t* seconds, int32_t* nanos);

}  // namespace pipebridge::transcoding
