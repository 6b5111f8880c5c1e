#include "adapters/jsonrpc/origin_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/jsonrpc/request_target.h"

namespace pipebridge::jsonrpc {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

bool HostAllowed(std::string_view host_header, int port, const std::vector<std::string>& extra) {
  std::string host = absl::AsciiStrToLower(Absl(host_header));
  std::string suffix = absl::StrCat(":", port);
  if (!absl::EndsWith(host, suffix)) return false;
  absl::string_view name = absl::string_view(host).substr(0, host.size() - suffix.size());
  if (name == "127.0.0.1" || name == "localhost" || name == "[::1]") return true;
  for (const std::string& allowed : extra) {
    if (absl::EqualsIgnoreCase(name, allowed)) return true;
  }
  return false;
}

bool OriginAllowed(std::optional<std::string_view> origin, const std::vector<std::string>& allowed,
                   bool allow_missing) {
  if (!origin.has_value()) return allow_missing;
  absl::string_view value = Absl(*origin);
  for (const std::string& entry : allowed) {
    if (absl::EndsWith(entry, ":*")) {
      absl::string_view base = absl::string_view(entry).substr(0, entry.size() - 2);
      if (!absl::StartsWithIgnoreCase(value, base)) continue;
      absl::string_view rest = value.substr(base.size());
      if (rest.empty()) return true;
      if (rest[0] != ':' || rest.size() == 1) continue;
      bool digits = true;
      for (char c : rest.substr(1)) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
      if (digits) return true;
    } else if (absl::EqualsIgnoreCase(value, entry)) {
      return true;
    }
  }
  return false;
}

SubprotocolOffer ParseSubprotocols(std::string_view header) {
  SubprotocolOffer offer;
  offer.offered = true;
  for (absl::string_view item : absl::StrSplit(Absl(header), ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item == kSubprotocol) {
      offer.pipebridge = true;
    } else if (absl::StartsWith(item, "token.")) {
      offer.token = std::string(item.substr(6));
    }
  }
  return offer;
}

std::optional<std::string> QueryToken(std::string_view target) {
  for (absl::string_view pair : absl::StrSplit(Absl(TargetQuery(target)), '&')) {
    if (absl::StartsWith(pair, "token=")) {
      std::string_view value(pair.data() + 6, pair.size() - 6);
      // A malformed escape stays as sent: the token is then wrong rather than missing.
      return FormDecode(value).value_or(std::string(value));
    }
  }
  return std::nullopt;
}

}  // namespace pipebridge::jsonrpc
