// bridge.events.subscribe(): replay then live with no gap or duplicate, topic and payload
// filters, and the ways a subscription ends (break, cancel(), AbortSignal).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { BridgeError, Code } from "../src/pipebridge.js";
import { BridgeProcess, sleep } from "./support/bridge-process.js";
import { connectTo, recordingWebSocket } from "./support/connect.js";

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

async function publish(topic, payload = {}) {
  return (await bridge.events.publish({ topic, payload })).event;
}

const before_ = (id) => String(BigInt(id) - 1n);

async function waitFor(condition, ms) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

// Reads `count` events, failing instead of hanging when they do not come.
async function take(subscription, count, timeoutMs = 5000) {
  const events = [];
  const timer = setTimeout(() => subscription.cancel(), timeoutMs);
  try {
    for await (const event of subscription) {
      events.push(event);
      if (events.length === count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  assert.equal(events.length, count, `got ${events.length} of ${count} events within ${timeoutMs} ms`);
  return events;
}

test("replays from afterId, then goes live with no gap and no duplicate at the seam", async () => {
  const first = await publish("seam.test", { n: 1 });
  await publish("seam.test", { n: 2 });
  await publish("seam.test", { n: 3 });
  const subscription = bridge.events.subscribe({ topics: ["seam.*"], afterId: before_(first.id) });
  const live = (async () => {
    await sleep(100);
    await publish("seam.test", { n: 4 });
    await publish("seam.test", { n: 5 });
  })();
  const events = await take(subscription, 5);
  await live;
  assert.deepEqual(events.map((e) => e.payload.n), [1, 2, 3, 4, 5]);
  const ids = events.map((e) => BigInt(e.id));
  assert.deepEqual(ids, ids.map((_, i) => ids[0] + BigInt(i)), "ids are gapless and increasing");
  assert.equal(subscription.lastEventId, events[4].id);
});

test("a live subscription sees events published after subscribe() returned, before its loop starts", async () => {
  const recorder = recordingWebSocket();
  const own = await connectTo(server, { WebSocket: recorder.WebSocket });
  try {
    const subscription = own.events.subscribe({ topics: ["eager.*"] });
    // The request is on the wire before anything reads the subscription.
    await waitFor(() => recorder.sent.some((m) => m.method === "pipebridge.v1.EventService/Subscribe"), 2000);
    await sleep(100);  // the bridge registers it
    const { id } = await publish("eager.one");
    const [event] = await take(subscription, 1);
    assert.equal(event.id, id);
  } finally {
    own.close();
  }
});

test("topic patterns and payload filters select events", async () => {
  const mark = await publish("filter.start");
  await publish("filter.a.x", { keep: true });
  await publish("filter.b.x", { keep: true });
  await publish("filter.a.y", { keep: false });
  await publish("filter.a.z", { keep: true });
  const events = await take(bridge.events.subscribe({
    topics: ["filter.a.*"], filters: [["payload.keep", "is", true]], afterId: mark.id }), 2);
  assert.deepEqual(events.map((e) => e.topic), ["filter.a.x", "filter.a.z"]);
});

test("fromBeginning replays the demo project's creation", async () => {
  const events = await take(bridge.events.subscribe({ topics: ["entity.Shot.created"], fromBeginning: true }), 6);
  assert.deepEqual(events.map((e) => e.payload.entity.type), Array(6).fill("Shot"));
});

test("an entity update arrives with its old and new values", async () => {
  const mark = await publish("update.mark");
  await bridge.entities.update({ entityType: "Shot", id: 3, data: { description: "changed by js" } });
  const [event] = await take(bridge.events.subscribe({ topics: ["entity.Shot.updated"], afterId: mark.id }), 1);
  assert.deepEqual(event.payload.entity, { type: "Shot", id: 3 });
  assert.equal(event.payload.changes.description.new, "changed by js");
});

test("leaving the loop early cancels the subscription on the server", async () => {
  const recorder = recordingWebSocket();
  const own = await connectTo(server, { WebSocket: recorder.WebSocket });
  try {
    const mark = await publish("early.exit");
    await publish("early.exit");
    const subscription = own.events.subscribe({ topics: ["early.*"], afterId: before_(mark.id) });
    for await (const event of subscription) {
      assert.equal(event.id, mark.id);
      break;
    }
    const request = recorder.sent.find((m) => m.method === "pipebridge.v1.EventService/Subscribe");
    assert.ok(recorder.sent.some((m) => m.method === "$/cancelRequest" && m.params.id === request.id), "sent $/cancelRequest");
    assert.deepEqual(await subscription.next(), { value: undefined, done: true });
  } finally {
    own.close();
  }
});

test("an AbortSignal ends the loop with CANCELLED and tells the server", async () => {
  const recorder = recordingWebSocket();
  const own = await connectTo(server, { WebSocket: recorder.WebSocket });
  try {
    const controller = new AbortController();
    const subscription = own.events.subscribe({ topics: ["nothing.ever"] }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("panel closed")), 100);
    const started = Date.now();
    await assert.rejects(async () => { for await (const _ of subscription) { /* none come */ } }, (error) => {
      assert.ok(error instanceof BridgeError);
      assert.equal(error.code, Code.CANCELLED);
      assert.match(error.message, /panel closed/);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
    assert.ok(recorder.sent.some((m) => m.method === "$/cancelRequest"), "sent $/cancelRequest");
  } finally {
    own.close();
  }
});

test("cancel() ends a loop waiting for the next event", async () => {
  const subscription = bridge.events.subscribe({ topics: ["nothing.ever"] });
  setTimeout(() => subscription.cancel(), 100);
  const events = [];
  for await (const event of subscription) events.push(event);
  assert.deepEqual(events, []);
});
