// One connection on the HTTP port: reads HTTP/1.1 requests, checks Host (every request) and
// Origin (upgrades), upgrades "GET /rpc" WebSocket requests into a WebSocketSession (token
// from the subprotocol or the query accepted here), hands other requests to the HttpHandler.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "adapters/jsonrpc/listener.h"

namespace pipebridge::jsonrpc {

// On `strand`, the socket's executor. `port` is the listener's (for the Host check).
void StartHttpSession(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
                      Listener::Strand strand, int port);

}  // namespace pipebridge::jsonrpc
