#include "adapters/connect/envelope.h"

#include "absl/strings/str_cat.h"

namespace pipebridge::connect {

void AppendEnvelope(uint8_t flags, std::string_view payload, std::string* out) {
  const auto size = static_cast<uint32_t>(payload.size());
  const char prefix[kEnvelopeHeaderBytes] = {
      static_cast<char>(flags), static_cast<char>(size >> 24), static_cast<char>(size >> 16),
      static_cast<char>(size >> 8), static_cast<char>(size)};
  out->append(prefix, kEnvelopeHeaderBytes);
  out->append(payload.data(), payload.size());
}

absl::StatusOr<Envelope> ParseSingleEnvelope(std::string_view body) {
  if (body.size() < kEnvelopeHeaderBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid envelope: the body has ", body.size(),
        " bytes, fewer than the 5-byte envelope prefix (flags, 32-bit length)"));
  }
  Envelope envelope;
  envelope.flags = static_cast<uint8_t>(body[0]);
  const uint32_t size = (uint32_t{static_cast<uint8_t>(body[1])} << 24) |
                        (uint32_t{static_cast<uint8_t>(body[2])} << 16) |
                        (uint32_t{static_cast<uint8_t>(body[3])} << 8) |
                        uint32_t{static_cast<uint8_t>(body[4])};
  const size_t available = body.size() - kEnvelopeHeaderBytes;
  if (size > available) {
    return absl::InvalidArgumentError(absl::StrCat("invalid envelope: its prefix announces ", size,
                                                   " bytes, the body holds ", available));
  }
  if (size < available) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid envelope: ", available - size, " bytes follow the message at offset ",
                     kEnvelopeHeaderBytes + size, "; a unary or server-streaming request holds "
                     "exactly one message"));
  }
  if ((envelope.flags & ~kFlagCompressed) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid envelope: flags 0x",
                                                   absl::Hex(envelope.flags),
                                                   " on a request message (expected 0, or 0x1 "
                                                   "for a compressed one)"));
  }
  envelope.payload = body.substr(kEnvelopeHeaderBytes, size);
  return envelope;
}

}  // namespace pipebridge::connect
