#include "adapters/connect/connect_get_query.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/jsonrpc/request_target.h"

namespace pipebridge::connect {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Decodes `value` into `slot`; a parameter given twice is ambiguous, so refused.
absl::Status Take(absl::string_view name, absl::string_view value,
                  std::optional<std::string>* slot) {
  if (slot->has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("query parameter ", name, " is given twice"));
  }
  size_t bad_escape = 0;
  std::optional<std::string> decoded =
      jsonrpc::FormDecode(std::string_view(value.data(), value.size()), &bad_escape);
  if (!decoded.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query parameter ", name, ": invalid percent escape at offset ", bad_escape,
        " of its value"));
  }
  *slot = std::move(decoded);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConnectGetQuery> ParseConnectGetQuery(std::string_view query) {
  std::optional<std::string> message, encoding, compression, version;
  bool base64 = false;
  for (absl::string_view pair : absl::StrSplit(Absl(query), '&', absl::SkipEmpty())) {
    const size_t equals = pair.find('=');
    absl::string_view name = pair.substr(0, equals);
    absl::string_view value = equals == absl::string_view::npos ? "" : pair.substr(equals + 1);
    absl::Status taken;
    if (name == "message") {
      taken = Take(name, value, &message);
    } else if (name == "encoding") {
      taken = Take(name, value, &encoding);
    } else if (name == "compression") {
      taken = Take(name, value, &compression);
    } else if (name == "connect") {
      taken = Take(name, value, &version);
    } else if (name == "base64") {
      // The specification: "Other values for the base64 parameter will simply be ignored."
      base64 = value == "1";
    }
    if (!taken.ok()) return taken;
  }
  ConnectGetQuery result;
  result.encoding = encoding.value_or("");
  result.compression = compression.value_or("");
  result.connect_version = std::move(version);
  if (!message.has_value()) return result;  // no message: an empty one
  if (!base64) {
    result.message = std::move(*message);
    return result;
  }
  // RFC 4648 §5 (URL-safe), padded or not.
  absl::string_view text = *message;
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (!absl::WebSafeBase64Unescape(text, &result.message)) {
    return absl::InvalidArgumentError(
        "query parameter message: not URL-safe base64 (RFC 4648 section 5), as base64=1 says");
  }
  return result;
}

}  // namespace pipebridge::connect
