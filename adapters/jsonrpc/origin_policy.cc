#include "adapters/jsonrpc/origin_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pipebridge::jsonrpc {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() &&
               HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

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
  size_t question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  size_t hash = query.find('#');
  if (hash != std::string_view::npos) query = query.substr(0, hash);
  for (absl::string_view pair : absl::StrSplit(Absl(query), '&')) {
    if (absl::StartsWith(pair, "token=")) {
      absl::string_view value = pair.substr(6);
      return PercentDecode(std::string_view(value.data(), value.size()));
    }
  }
  return std::nullopt;
}

std::string_view TargetPath(std::string_view target) {
  size_t end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

}  // namespace pipebridge::jsonrpc
