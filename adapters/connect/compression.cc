#include "adapters/connect/compression.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pipebridge::connect {
namespace {

// "q=0" (HTTP's quality value) refuses a coding; Connect clients send no parameters, but an
// HTTP client's Accept-Encoding may.
bool RefusedByQuality(absl::string_view params) {
  for (absl::string_view param : absl::StrSplit(params, ';')) {
    param = absl::StripAsciiWhitespace(param);
    double q = 1;
    if (absl::ConsumePrefix(&param, "q=") && absl::SimpleAtod(param, &q) && q <= 0) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Compression> ParseRequestEncoding(std::string_view header,
                                                 std::string_view value) {
  absl::string_view name =
      absl::StripAsciiWhitespace(absl::string_view(value.data(), value.size()));
  if (name.empty() || absl::EqualsIgnoreCase(name, "identity")) return Compression::kIdentity;
  if (absl::EqualsIgnoreCase(name, "gzip")) return Compression::kGzip;
  return absl::UnimplementedError(absl::StrCat(
      absl::string_view(header.data(), header.size()), ": compression \"", name,
      "\" is not supported; supported: ", kSupportedEncodings));
}

Compression ChooseResponseEncoding(std::optional<std::string_view> accept,
                                   Compression request_encoding) {
  if (!accept.has_value()) return request_encoding;
  const absl::string_view list(accept->data(), accept->size());
  for (absl::string_view entry : absl::StrSplit(list, ',')) {
    const size_t semicolon = entry.find(';');
    absl::string_view name = absl::StripAsciiWhitespace(entry.substr(0, semicolon));
    if (semicolon != absl::string_view::npos && RefusedByQuality(entry.substr(semicolon + 1))) {
      continue;
    }
    if (absl::EqualsIgnoreCase(name, "gzip")) return Compression::kGzip;
    if (absl::EqualsIgnoreCase(name, "identity")) return Compression::kIdentity;
  }
  return Compression::kIdentity;
}

std::string_view EncodingName(Compression compression) {
  return compression == Compression::kGzip ? "gzip" : "identity";
}

}  // namespace pipebridge::connect
