// How tests connect: Node 20 has no global WebSocket, so the `ws` package is injected, as
// the README tells Node users to do.

import WebSocket from "ws";
import { connect } from "../../src/pipebridge.js";

/** connect() to a BridgeProcess through its discovery folder, plus any other options. */
export function connectTo(server, options = {}) {
  return connect({ WebSocket, discoveryDir: server.discoveryDir, ...options });
}

export { WebSocket };

/**
 * A WebSocket constructor that records every JSON message the client sends, so that a test
 * can see that `$/cancelRequest` went out. Returns {WebSocket, sent}.
 */
export function recordingWebSocket() {
  const sent = [];
  class RecordingWebSocket extends WebSocket {
    send(data, ...rest) {
      sent.push(JSON.parse(data));
      return super.send(data, ...rest);
    }
  }
  return { WebSocket: RecordingWebSocket, sent };
}
