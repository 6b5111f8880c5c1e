// Unary calls and streams on one connection: routing of concurrent answers, large messages,
// deadlines (enforced by the server through $meta, with a client backstop) and AbortSignal
// cancellation that reaches the server ($/cancelRequest) and the host running the command.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { BridgeError, Code } from "../src/pipebridge.js";
import { BridgeProcess } from "./support/bridge-process.js";
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

// A host whose command never answers by itself: it reports how it was stopped.
async function attachStuckHost(application) {
  const host = await connectTo(server);
  const stopped = [];
  let started;
  const startedPromise = new Promise((resolve) => { started = resolve; });
  await host.attachHost({
    application,
    commands: [{
      name: `${application}.wait`,
      handler: (args, invocation) => new Promise((resolve, reject) => {
        started(invocation);
        invocation.signal.addEventListener("abort", () => {
          stopped.push(invocation.signal.reason);
          reject(invocation.signal.reason);
        });
      }),
    }],
  });
  return { host, stopped, started: startedPromise };
}

function waitFor(condition, ms, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (condition()) { clearInterval(poll); resolve(); }
      else if (Date.now() - started > ms) { clearInterval(poll); reject(new Error(`${what} within ${ms} ms`)); }
    }, 10);
  });
}

test("100 concurrent calls each get their own answer", async () => {
  const payloads = Array.from({ length: 100 }, (_, i) => `call-${i}-${"x".repeat(i)}`);
  const answers = await Promise.all(payloads.map((payload) => bridge.server.ping({ payload })));
  assert.deepEqual(answers.map((a) => a.payload), payloads);
});

test("a 4 MiB message goes through both ways", async () => {
  const payload = "p".repeat(4 << 20);
  const { payload: echoed } = await bridge.server.ping({ payload });
  assert.equal(echoed.length, payload.length);
});

test("a signal aborted before the call fails it at once and sends nothing", async () => {
  const recorder = recordingWebSocket();
  const own = await connectTo(server, { WebSocket: recorder.WebSocket });
  try {
    const sentBefore = recorder.sent.length;
    await assert.rejects(own.server.ping({ payload: "x" }, { signal: AbortSignal.abort("not needed") }), (error) => {
      assert.ok(error instanceof BridgeError);
      assert.equal(error.code, Code.CANCELLED);
      assert.match(error.message, /Ping: cancelled by the caller: not needed/);
      return true;
    });
    assert.equal(recorder.sent.length, sentBefore);
  } finally {
    own.close();
  }
});

test("a stream's deadline is enforced by the server", async () => {
  const started = Date.now();
  await assert.rejects(async () => {
    for await (const _ of bridge.events.subscribe({ topics: ["nothing.ever"] }, { timeoutMs: 300 })) { /* none */ }
  }, (error) => {
    assert.equal(error.code, Code.DEADLINE_EXCEEDED);
    assert.doesNotMatch(error.message, /no answer from the bridge/, "the server answered, not the client's backstop");
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 290 && elapsed < 3000, `ended after ${elapsed} ms`);
});

test("a unary deadline reaches the host as host.cancel, and the caller gets DEADLINE_EXCEEDED", async () => {
  const { host, stopped } = await attachStuckHost("deadlinetest");
  try {
    const started = Date.now();
    await assert.rejects(
      bridge.hosts.invoke({ host: { query: { application: "deadlinetest" } }, command: "deadlinetest.wait", args: {} }, { timeoutMs: 400 }),
      (error) => error.code === Code.DEADLINE_EXCEEDED);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 390 && elapsed < 3000, `failed after ${elapsed} ms`);
    await waitFor(() => stopped.length === 1, 3000, "the host's handler was stopped");
    assert.equal(stopped[0].code, Code.DEADLINE_EXCEEDED);
  } finally {
    host.close();
  }
});

test("aborting a unary call cancels it on the server and in the host", async () => {
  const { host, stopped, started } = await attachStuckHost("aborttest");
  const recorder = recordingWebSocket();
  const caller = await connectTo(server, { WebSocket: recorder.WebSocket });
  try {
    const controller = new AbortController();
    const call = caller.hosts.invoke({ host: { query: { application: "aborttest" } }, command: "aborttest.wait", args: {} },
      { signal: controller.signal });
    await started;
    controller.abort(new Error("artist pressed stop"));
    await assert.rejects(call, (error) => error.code === Code.CANCELLED && /artist pressed stop/.test(error.message));
    const invoke = recorder.sent.find((m) => m.method === "pipebridge.v1.HostService/Invoke");
    assert.ok(recorder.sent.some((m) => m.method === "$/cancelRequest" && m.params.id === invoke.id));
    await waitFor(() => stopped.length === 1, 3000, "the host's handler was stopped");
    assert.equal(stopped[0].code, Code.CANCELLED);
  } finally {
    caller.close();
    host.close();
  }
});
