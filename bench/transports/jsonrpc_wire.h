// What the load tool's JSON-RPC clients need on the wire, over a blocking BufferedSocket:
// $/initialize on a TCP connection, and the client side of RFC 6455 (the upgrade to /rpc with
// the token in the query, masked text frames out, unmasked frames in).
#pragma once

#include <string>
#include <string_view>

#include "bench/transports/loopback.h"

namespace pipebridge::bench {

// Sends $/initialize with `token` as the first line; exits the process unless it succeeds.
void InitializeJsonRpcTcp(BufferedSocket& socket, const std::string& token);

// Upgrades to the JSON-RPC endpoint; exits the process when the server refuses.
void UpgradeToWebSocket(BufferedSocket& socket, int port, const std::string& token);
// One masked text frame (clients must mask).
bool WriteTextFrame(int fd, std::string_view text);
// The next text message (control frames from the server are skipped); false on a close
// frame, a read failure or a frame this client does not read (fragments, 64-bit lengths).
bool ReadTextFrame(BufferedSocket& socket, std::string_view* text);

}  // namespace pipebridge::bench
