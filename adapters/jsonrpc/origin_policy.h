// Who may open a WebSocket (or send HTTP requests) to the bridge: the Host and Origin checks
// and the browser-friendly ways to pass the token on the upgrade request. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipebridge::jsonrpc {

// Host must name this machine's loopback with the listener's port ("127.0.0.1:<port>",
// "localhost:<port>", "[::1]:<port>"), or an `extra` name with that port: anything else
// (e.g. a DNS-rebinding "evil.example:<port>") is refused. Case-insensitive.
bool HostAllowed(std::string_view host_header, int port, const std::vector<std::string>& extra);

// An absent Origin (`origin` nullopt) is allowed when `allow_missing`; otherwise it must
// equal one of `allowed` (case-insensitive), where an entry ending in ":*" matches any port.
bool OriginAllowed(std::optional<std::string_view> origin, const std::vector<std::string>& allowed,
                   bool allow_missing);

// Sec-WebSocket-Protocol: "pipebridge.v1, token.<TOKEN>".
struct SubprotocolOffer {
  bool offered = false;          // the header was present
  bool pipebridge = false;       // "pipebridge.v1" is among the offers
  std::optional<std::string> token;
};
SubprotocolOffer ParseSubprotocols(std::string_view header);

// The form-decoded value of the "token" query parameter of a request target
// ("/rpc?token=abc").
std::optional<std::string> QueryToken(std::string_view target);

inline constexpr char kSubprotocol[] = "pipebridge.v1";

}  // namespace pipebridge::jsonrpc
