#include "adapters/connect/request_message.h"

#include "absl/strings/str_cat.h"
#include "adapters/connect/envelope.h"
#include "adapters/connect/gzip.h"

namespace pipebridge::connect {

absl::StatusOr<std::string_view> BareRequestMessage(std::string& body, Compression compression,
                                                    size_t max_message_bytes) {
  if (compression == Compression::kIdentity || body.empty()) return std::string_view(body);
  absl::StatusOr<std::string> inflated = Gunzip(body, max_message_bytes, "the request message");
  if (!inflated.ok()) return inflated.status();
  body = std::move(inflated).value();
  return std::string_view(body);
}

absl::StatusOr<std::string_view> EnvelopedRequestMessage(std::string& body,
                                                         Compression compression,
                                                         std::string_view encoding_header,
                                                         size_t max_message_bytes) {
  absl::StatusOr<Envelope> envelope = ParseSingleEnvelope(body);
  if (!envelope.ok()) return envelope.status();
  if ((envelope->flags & kFlagCompressed) == 0) return envelope->payload;
  if (compression == Compression::kIdentity) {
    return absl::InternalError(absl::StrCat(
        "the request message is flagged compressed (0x01) but ",
        absl::string_view(encoding_header.data(), encoding_header.size()),
        " names no compression; send it with ",
        absl::string_view(encoding_header.data(), encoding_header.size()), ": gzip"));
  }
  absl::StatusOr<std::string> inflated =
      Gunzip(envelope->payload, max_message_bytes, "the request message");
  if (!inflated.ok()) return inflated.status();
  body = std::move(inflated).value();
  return std::string_view(body);
}

}  // namespace pipebridge::connect
