// The bridge restarts (same ports, same project, a new token): the client reconnects with
// backoff, re-reads the discovery file, and event subscriptions resume from the last event
// they delivered, losing and repeating nothing.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { backoffDelay, backoffOptions } from "../src/backoff.js";
import { Code } from "../src/pipebridge.js";
import { BridgeProcess, sleep } from "./support/bridge-process.js";
import { connectTo } from "./support/connect.js";

const fastReconnect = { initialMs: 50, maxMs: 400 };

// The most "reconnecting" reports fastReconnect allows in `ms`: the drop itself, then one
// failed attempt per delay, every delay at its shortest (the default jitter takes up to 20%
// off), counting the one still running when `ms` ends.
function maxAttemptsWithin(ms) {
  let attempts = 1;
  let elapsed = 0;
  for (let delay = fastReconnect.initialMs; elapsed <= ms; delay = Math.min(2 * delay, fastReconnect.maxMs)) {
    elapsed += 0.8 * delay;
    attempts += 1;
  }
  return attempts;
}
let server;

before(async () => {
  server = await new BridgeProcess().start();
});

after(async () => {
  await server?.dispose();
});

// Resolves with the next value of the iterator, or fails after `ms` instead of hanging.
async function nextWithin(iterator, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms); });
  try {
    return await Promise.race([iterator.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function waitForState(bridge, state, ms) {
  if (bridge.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`bridge not ${state} within ${ms} ms (is ${bridge.state})`)); }, ms);
    const off = bridge.on("state", (now) => {
      if (now === state) { clearTimeout(timer); off(); resolve(); }
    });
  });
}

test("subscriptions resume after a restart with no lost and no repeated event", async () => {
  const bridge = await connectTo(server, { reconnect: fastReconnect });
  const states = [];
  bridge.on("state", (state) => states.push(state));
  try {
    const { event: first } = await bridge.events.publish({ topic: "resume.test", payload: { n: 1 } });
    const from = { topics: ["resume.*"], afterId: String(BigInt(first.id) - 1n) };
    // One loop waits for its next event through the restart; the other reads again only
    // once the bridge is back (it learns of the drop after the reconnect).
    const waiting = bridge.events.subscribe(from)[Symbol.asyncIterator]();
    const idle = bridge.events.subscribe(from);
    assert.equal((await nextWithin(waiting, 5000, "first event")).value.payload.n, 1);
    assert.equal((await nextWithin(idle, 5000, "first event")).value.payload.n, 1);
    const waitingNext = nextWithin(waiting, 15000, "event after the restart");

    const oldToken = server.token;
    await server.restart();
    assert.notEqual(server.token, oldToken, "a restarted bridge has a new token");
    // Published by another client before this one is back: the resumed subscriptions replay them.
    const other = await connectTo(server, { reconnect: false });
    await other.events.publish({ topic: "resume.test", payload: { n: 2 } });
    await other.events.publish({ topic: "resume.test", payload: { n: 3 } });
    other.close();
    await waitForState(bridge, "ready", 10000);

    for (const [name, subscription, second] of [["waiting", waiting, await waitingNext], ["idle", idle, await nextWithin(idle, 5000, "event after the restart")]]) {
      const third = (await nextWithin(subscription, 5000, "third event")).value;
      assert.deepEqual([second.value.payload.n, third.payload.n], [2, 3], name);
      assert.equal(BigInt(second.value.id), BigInt(first.id) + 1n, `${name}: the next id, nothing skipped`);
    }
    assert.equal(idle.lastEventId, String(BigInt(first.id) + 2n));

    // Live again on the new connection.
    await bridge.events.publish({ topic: "resume.test", payload: { n: 4 } });
    assert.equal((await nextWithin(waiting, 5000, "live event")).value.payload.n, 4);
    assert.equal((await nextWithin(idle, 5000, "live event")).value.payload.n, 4);
    assert.deepEqual(states.filter((s, i) => s !== states[i - 1]).slice(0, 2), ["reconnecting", "ready"]);
    waiting.cancel();
    idle.cancel();
  } finally {
    bridge.close();
  }
});

test("reconnect delays grow exponentially to the cap, with bounded jitter", () => {
  const options = backoffOptions({ initialMs: 100, maxMs: 1000, jitter: 0.2 });
  for (const [attempt, base] of [[0, 100], [1, 200], [2, 400], [3, 800], [4, 1000], [10, 1000]]) {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(options, attempt);
      assert.ok(delay >= base * 0.8 && delay <= base * 1.2, `attempt ${attempt}: ${delay} ms, expected ${base} ms ± 20%`);
    }
  }
});

test("a call made while the bridge is down waits for it, within its deadline", async () => {
  const bridge = await connectTo(server, { reconnect: fastReconnect });
  const failedAttempts = [];
  bridge.on("state", (state, error) => { if (state === "reconnecting" && error) failedAttempts.push(Date.now()); });
  try {
    const downSince = Date.now();
    await server.stop();
    await waitForState(bridge, "reconnecting", 5000);
    await assert.rejects(bridge.server.ping({ payload: "too soon" }, { timeoutMs: 300 }), (error) => {
      assert.equal(error.code, Code.DEADLINE_EXCEEDED);
      assert.match(error.message, /no connection to the bridge before the deadline \(last attempt: .*\)/);
      return true;
    });
    const waiting = bridge.server.ping({ payload: "patient" }, { timeoutMs: 15000 });
    await sleep(200);
    await server.start();
    const downMs = Date.now() - downSince;
    assert.deepEqual(await waiting, { payload: "patient" });
    assert.equal(bridge.state, "ready");
    // Down for ~0.5 s (longer on a slow machine) with delays of 50, 100, 200, 400 ms (± 20%):
    // no more attempts than the backoff allows in that time, not a storm.
    const allowed = maxAttemptsWithin(downMs);
    assert.ok(failedAttempts.length >= 2 && failedAttempts.length <= allowed,
      `${failedAttempts.length} attempts in ${downMs} ms, at most ${allowed} allowed`);
  } finally {
    bridge.close();
  }
});

test("a plain server stream does not outlive its connection: UNAVAILABLE", async () => {
  const bridge = await connectTo(server, { reconnect: fastReconnect });
  try {
    const stream = bridge.stream("pipebridge.v1.EventService/Subscribe", { topics: ["nothing.ever"] });
    await sleep(100);
    const ended = assert.rejects(nextWithin(stream, 10000, "end of the stream"),
      (error) => error.code === Code.UNAVAILABLE && /closed/.test(error.message));
    await server.restart();
    await ended;
    await bridge.ready({ timeoutMs: 10000 });
  } finally {
    bridge.close();
  }
});

test("with a URL, a token function is asked again before each reconnect", async () => {
  let asked = 0;
  // As a UXP panel would: the URL is the bridge's stable port, the token is read anew.
  const bridge = await connectTo(server, { discoveryDir: undefined, url: server.wsUrl, reconnect: fastReconnect,
    token: async () => { asked++; return server.token; } });
  try {
    assert.equal(asked, 1);
    await server.restart();
    await bridge.ready({ timeoutMs: 10000 });
    assert.ok(asked >= 2, `asked ${asked} times`);
    assert.deepEqual(await bridge.server.ping({ payload: "new token" }), { payload: "new token" });
  } finally {
    bridge.close();
  }
});

test("with reconnect: false a drop closes the bridge for good", async () => {
  const bridge = await connectTo(server, { reconnect: false });
  try {
    await server.restart();
    await waitForState(bridge, "closed", 5000);
    await assert.rejects(bridge.server.ping({}), (error) => error.code === Code.UNAVAILABLE);
  } finally {
    bridge.close();
  }
});
