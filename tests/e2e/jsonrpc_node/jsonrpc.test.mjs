// Clients nobody here wrote reach every kind of call: rpc-websockets (an npm JSON-RPC 2.0
// WebSocket client) and a raw node:net socket over TCP. Both transports answer the same
// calls with the same JSON.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Client } from "rpc-websockets";

import { startBridge } from "./bridge.mjs";
import { tcpClient } from "./tcp_client.mjs";

let bridge;
let ws;
let tcp;
let nextId = 0;

function connectWs(url) {
  // Our own ids, so a test can cancel a call by its id.
  const client = new Client(url, { autoconnect: true, reconnect: false }, () => ++nextId);
  return new Promise((done, fail) => {
    client.once("open", () => done(client));
    client.once("error", fail);
  });
}

before(async () => {
  bridge = await startBridge();
  const { endpoints, token } = bridge.discovery;
  ws = await connectWs(`${endpoints["jsonrpc-ws"]}?token=${token}`);
  tcp = await tcpClient(endpoints["jsonrpc-tcp"]);
  const init = await tcp.call("$/initialize", { token, protocolVersion: 1, client: { name: "node-net", version: "1" } });
  assert.equal(init.result.protocolVersion, 1);
});

after(async () => {
  ws?.close();
  tcp?.close();
  await bridge?.stop();
});

const sameOnBoth = [
  ["pipebridge.v1.BridgeService/Ping", { payload: Buffer.alloc(200, 7).toString("base64") }],
  ["pipebridge.v1.EntityService/Find", { entityType: "Shot", filters: [["sg_sequence.Sequence.code", "is", "sq010"]], fields: ["code", "sg_status_list"], order: [{ fieldName: "code" }] }],
  ["pipebridge.v1.EntityService/Summarize", { entityType: "Shot", summaryFields: [{ field: "id", type: "count" }] }],
  ["pipebridge.v1.TemplateService/ListTemplates", {}],
  ["pipebridge.v1.TemplateService/Apply", { template: "maya_shot_work", fields: { Sequence: "sq010", Shot: "sh010", Step: "anim", name: "main", version: 3, maya_extension: "ma" } }],
  ["pipebridge.v1.ContextService/FromEntity", { entity: { type: "Shot", id: 1 } }],
  ["pipebridge.v1.EventService/List", { topics: ["entity.Sequence.*"] }],
];

for (const [method, params] of sameOnBoth) {
  test(`${method}: the same answer over WebSocket and TCP`, async () => {
    const overWs = await ws.call(method, params, 10000);
    const overTcp = await tcp.call(method, params);
    assert.ok(overTcp.result, JSON.stringify(overTcp));
    assert.deepEqual(overWs, overTcp.result);
  });
}

test("Ping echoes 200 bytes", async () => {
  const payload = Buffer.alloc(200, 42).toString("base64");
  assert.deepEqual(await ws.call("pipebridge.v1.BridgeService/Ping", { payload }, 5000), { payload });
});

test("Find answers the demo's shots of sq010", async () => {
  const answer = await ws.call("pipebridge.v1.EntityService/Find", {
    entityType: "Shot", filters: [["sg_sequence.Sequence.code", "is", "sq010"]], fields: ["code"] }, 5000);
  assert.deepEqual(answer.entities.map((e) => e.code).sort(), ["sh010", "sh020", "sh030"]);
});

test("errors carry the gRPC code and its name", async () => {
  await assert.rejects(ws.call("pipebridge.v1.EntityService/Get", { entityType: "Shot", id: 99999 }, 5000),
    (error) => error.code === 5 && error.data.status === "NOT_FOUND");
  await assert.rejects(ws.call("pipebridge.v1.EntityService/Find", { entityType: "Shot", colour: 1 }, 5000),
    (error) => error.code === -32602 && /colour/.test(error.message));
  await assert.rejects(ws.call("no.such/Method", {}, 5000), (error) => error.code === -32601);
});

test("a server stream arrives as $/stream notifications, and $/cancelRequest ends it", async () => {
  const events = [];
  let subscriptionId;
  const enough = new Promise((done) => {
    ws.on("$/stream", (params) => {
      if (params.id !== subscriptionId) return;
      events.push(params.message.event);
      if (events.length === 6) done();
    });
  });
  const ended = ws.call("pipebridge.v1.EventService/Subscribe", { topics: ["entity.Shot.created"], fromBeginning: true }, 10000);
  subscriptionId = nextId;
  await enough;
  assert.deepEqual(events.map((e) => e.topic), Array(6).fill("entity.Shot.created"));
  assert.deepEqual(events.map((e) => Number(e.id)), [...events.map((e) => Number(e.id))].sort((a, b) => a - b));
  ws.notify("$/cancelRequest", { id: subscriptionId });
  await assert.rejects(ended, (error) => error.code === 1 && error.data.status === "CANCELLED");
});

test("a wrong token is refused at the upgrade", async () => {
  const { endpoints } = bridge.discovery;
  await assert.rejects(connectWs(`${endpoints["jsonrpc-ws"]}?token=wrong`));
});
