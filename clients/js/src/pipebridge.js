// pipebridge for JavaScript: one ES module with no runtime dependencies, for Photoshop UXP,
// CEP panels, browsers and Node >= 18. It speaks JSON-RPC 2.0 over WebSocket to the bridge
// (docs/protocol.md). See ../README.md.
//
//   import { connect } from "./pipebridge.js";
//   const bridge = await connect();                          // Node, CEP: the discovery file
//   const bridge = await connect({ url, token });            // UXP, browsers
//   const { entities } = await bridge.entities.find({ entityType: "Shot", fields: ["code"] });

import { Bridge } from "./bridge.js";

export { Bridge, CLIENT_VERSION, PROTOCOL_VERSION } from "./bridge.js";
export { EventSubscription } from "./event-subscription.js";
export { HostSession } from "./host-session.js";
export { ServerStream } from "./server-stream.js";
export { BridgeError, Code, codeName } from "./status.js";

/**
 * Connects to the bridge, handshakes ($/initialize with the token), loads the contract
 * (rpc.discover, unless `contract` is given) and resolves with the Bridge, its services
 * added (`bridge.entities`, `bridge.events`, ...). Rejects with a BridgeError.
 *
 * options:
 *   url, token       the "jsonrpc-ws" endpoint and token of bridge.json (token: a string,
 *                    or a function asked before every reconnect); without them (Node,
 *                    CEP) PIPEBRIDGE_URL + PIPEBRIDGE_TOKEN, else the discovery file
 *   discoveryDir     folder of bridge.json (default: $PIPEBRIDGE_DISCOVERY_DIR,
 *                    $XDG_RUNTIME_DIR/pipebridge, ~/.pipebridge)
 *   WebSocket        a WebSocket constructor where there is no global one (Node < 22: `ws`)
 *   client           {name, version} announced to the bridge
 *   timeoutMs        default deadline of unary calls (30000)
 *   connectTimeoutMs bound on opening the socket and the handshake (5000)
 *   reconnect        true (default), false, or {initialMs, maxMs, multiplier, jitter}
 *   contract         an rpc.discover document (e.g. the generated pipebridge-contract.js)
 */
export function connect(options) {
  return Bridge.connect(options);
}
