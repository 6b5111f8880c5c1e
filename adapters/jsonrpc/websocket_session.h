// JSON-RPC over WebSocket: one JSON-RPC message per text message; a binary message closes the
// connection with 1003 (unsupported data), one larger than max_message_bytes with 1009.
// The session class lives in websocket_session.cc, the one translation unit that compiles
// Beast's WebSocket templates.
#pragma once

#include <memory>

#include <boost/beast/core/tcp_stream.hpp>

#include "adapters/jsonrpc/http_handler.h"
#include "adapters/jsonrpc/listener.h"

namespace pipebridge::jsonrpc {

// Completes the upgrade `request` (already checked by the HTTP session) and serves JSON-RPC
// on it. On `strand`, the stream's executor. `authenticated`: the upgrade carried the right
// token. `echo_subprotocol`: answer with Sec-WebSocket-Protocol: pipebridge.v1.
void StartWebSocketSession(std::shared_ptr<ServerState> state, boost::beast::tcp_stream stream,
                           Listener::Strand strand, HttpRequest request, bool authenticated,
                           bool echo_subprotocol);

}  // namespace pipebridge::jsonrpc
