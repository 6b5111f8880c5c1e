// Failures reach the caller as BridgeError with the gRPC code, whether the server's handler,
// the JSON-RPC adapter or this client found the mistake; bad input names what was wrong.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { BridgeError, Code, connect } from "../src/pipebridge.js";
import { BridgeProcess } from "./support/bridge-process.js";
import { connectTo, WebSocket } from "./support/connect.js";

let server;
let bridge;

before(async () => {
  server = await new BridgeProcess().start();
  bridge = await connectTo(server);
});

after(async () => {
  bridge?.close();
  await server?.dispose();
});

function rejectsWith(promise, code, pattern, check = () => {}) {
  return assert.rejects(promise, (error) => {
    assert.ok(error instanceof BridgeError, `a BridgeError, got ${error}`);
    assert.equal(error.status, Object.keys(Code).find((name) => Code[name] === code), error.message);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    check(error);
    return true;
  });
}

test("a missing record is NOT_FOUND with the server's message", async () => {
  await rejectsWith(bridge.entities.get({ entityType: "Shot", id: 4242 }), Code.NOT_FOUND, /Shot 4242/, (error) => {
    assert.equal(error.method, "pipebridge.v1.EntityService/Get");
    assert.equal(error.rawMessage, "Shot 4242 not found");
    assert.equal(error.jsonRpcCode, undefined, "it reached the handler");
    assert.deepEqual(error.details, []);
  });
});

test("a bad filter is INVALID_ARGUMENT naming its place in the request", async () => {
  await rejectsWith(bridge.entities.find({ entityType: "Shot", filters: [["code", "iss", "sh010"]] }),
    Code.INVALID_ARGUMENT, /filters\[0\]\[1\].*iss/);
});

test("an unknown field is refused by the adapter (-32602), as INVALID_ARGUMENT", async () => {
  await rejectsWith(bridge.entities.find({ entityType: "Shot", colour: "red" }), Code.INVALID_ARGUMENT, /colour/,
    (error) => assert.equal(error.jsonRpcCode, -32602));
});

test("a method the server does not serve is UNIMPLEMENTED (-32601)", async () => {
  await rejectsWith(bridge.call("pipebridge.v1.NoSuchService/Nothing", {}), Code.UNIMPLEMENTED, /no method/,
    (error) => assert.equal(error.jsonRpcCode, -32601));
});

test("taking a publish version twice is ALREADY_EXISTS", async () => {
  const request = { context: { entity: { type: "Shot", id: 2 } }, name: "twice", publishType: "Image", version: 1, path: "/tmp/js-errors/twice_v001.exr" };
  await bridge.publishes.register(request);
  await rejectsWith(bridge.publishes.register({ ...request, path: "/tmp/js-errors/twice_v001b.exr" }), Code.ALREADY_EXISTS, /./);
});

test("a request that is not an object is refused before it is sent", async () => {
  await rejectsWith(bridge.entities.find("Shot"), Code.INVALID_ARGUMENT, /Find: request: expected an object, got "Shot"/);
  await rejectsWith(bridge.entities.find([["code", "is", "x"]]), Code.INVALID_ARGUMENT, /request: expected an object, got an array/);
});

test("bad call options name the option", async () => {
  await rejectsWith(bridge.server.ping({}, { timeout: 5 }), Code.INVALID_ARGUMENT, /options\.timeout: unknown option; known: timeoutMs, signal/);
  await rejectsWith(bridge.server.ping({}, { timeoutMs: -1 }), Code.INVALID_ARGUMENT, /options\.timeoutMs: expected a number of milliseconds > 0, got number -1/);
  await rejectsWith(bridge.server.ping({}, { timeoutMs: "5s" }), Code.INVALID_ARGUMENT, /got "5s"/);
  await rejectsWith(bridge.server.ping({}, { signal: {} }), Code.INVALID_ARGUMENT, /options\.signal: expected an AbortSignal/);
  assert.throws(() => bridge.events.subscribe({}, { timeoutMs: 0 }), /options\.timeoutMs/);
});

test("a wrong token fails the handshake with UNAUTHENTICATED", async () => {
  await rejectsWith(connect({ WebSocket, url: server.wsUrl, token: "0".repeat(64) }), Code.UNAUTHENTICATED, /./,
    (error) => assert.ok(!error.message.includes(server.token), "the token is never echoed"));
});

test("connect options are checked", async () => {
  await rejectsWith(connect({ WebSocket, url: server.wsUrl }), Code.INVALID_ARGUMENT, /token: required with url.*got undefined, not a token/);
  await rejectsWith(connect({ WebSocket, url: server.wsUrl, token: async () => 42 }), Code.INVALID_ARGUMENT, /token: the function returned number, not a token/);
  await rejectsWith(connect({ WebSocket, url: "http://127.0.0.1:1/rpc", token: "x" }), Code.INVALID_ARGUMENT, /url: expected a ws:\/\/ address/);
  await rejectsWith(connect({ WebSocket, token: "abc" }), Code.INVALID_ARGUMENT, /token: given without url/);
  await rejectsWith(connect({ WebSocket, discoveryDir: server.discoveryDir, retries: 3 }), Code.INVALID_ARGUMENT, /unknown option "retries"/);
  await rejectsWith(connect({ WebSocket, discoveryDir: server.discoveryDir, reconnect: { initialMs: 0 } }), Code.INVALID_ARGUMENT, /reconnect: need 0 < initialMs/);
  await rejectsWith(connect({ WebSocket, discoveryDir: server.discoveryDir, reconnect: { delay: 5 } }), Code.INVALID_ARGUMENT, /reconnect\.delay: unknown option/);
  await rejectsWith(connect({ WebSocket, discoveryDir: server.discoveryDir, client: { name: 7 } }), Code.INVALID_ARGUMENT, /client: expected \{name, version\} strings/);
  await rejectsWith(connect({ WebSocket, discoveryDir: server.discoveryDir, timeoutMs: 0 }), Code.INVALID_ARGUMENT, /timeoutMs: expected a number of milliseconds > 0, got 0/);
});

test("without a WebSocket constructor, connect says how to pass one", async () => {
  assert.equal(globalThis.WebSocket, undefined, "Node 20 has no global WebSocket");
  await rejectsWith(connect({ url: server.wsUrl, token: server.token }), Code.FAILED_PRECONDITION, /connect\(\{ WebSocket \}\).*"ws"/);
});

test("a closed port is UNAVAILABLE", async () => {
  await rejectsWith(connect({ WebSocket, url: "ws://127.0.0.1:1/rpc", token: "x", connectTimeoutMs: 3000 }), Code.UNAVAILABLE, /cannot reach the bridge at ws:\/\/127\.0\.0\.1:1\/rpc/);
});

test("calls on a closed bridge are UNAVAILABLE and never hang", async () => {
  const closing = await connectTo(server);
  closing.close();
  assert.equal(closing.state, "closed");
  await rejectsWith(closing.server.ping({ payload: "x" }), Code.UNAVAILABLE, /closed/);
});
