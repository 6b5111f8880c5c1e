// The 5-byte envelope that Connect streaming and gRPC-Web share: one flags byte, a big-endian
// 32-bit length, then that many bytes. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pipebridge::connect {

inline constexpr uint8_t kFlagCompressed = 0x01;
inline constexpr uint8_t kFlagConnectEndStream = 0x02;  // Connect: the end-of-stream message
inline constexpr uint8_t kFlagGrpcWebTrailers = 0x80;   // gRPC-Web: the trailers frame
inline constexpr size_t kEnvelopeHeaderBytes = 5;

struct Envelope {
  uint8_t flags = 0;
  std::string_view payload;  // points into the parsed text
};

// Appends one envelope holding `payload` to `out`.
void AppendEnvelope(uint8_t flags, std::string_view payload, std::string* out);

// The request body of a unary or server-streaming call: exactly one message envelope, whose
// flags may only say "compressed" (0x01; whether that is allowed is the caller's question).
// INVALID_ARGUMENT naming the problem and its byte offset otherwise (a truncated prefix, a
// length past the end, trailing bytes, a second message, another flag).
absl::StatusOr<Envelope> ParseSingleEnvelope(std::string_view body);

}  // namespace pipebridge::connect
