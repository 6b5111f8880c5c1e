// attachHost(): a JS host offers commands that other clients invoke through the bridge:
// results, errors with their codes, progress to InvokeStream, command updates, detach,
// a host that calls the bridge while it works, a host that goes away mid-call, and
// re-attachment after the bridge restarts.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { BridgeError, Code } from "../src/pipebridge.js";
import { BridgeProcess } from "./support/bridge-process.js";
import { connectTo } from "./support/connect.js";

let server;
let caller;

before(async () => {
  server = await new BridgeProcess().start();
  caller = await connectTo(server);
});

after(async () => {
  caller?.close();
  await server?.dispose();
});

const onApp = (application) => ({ query: { application } });

async function host(application, commands, options = {}) {
  const bridge = await connectTo(server, options);
  const session = await bridge.attachHost({ application, applicationVersion: "1.0", displayName: `${application} test`, commands });
  return { bridge, session };
}

test("another client invokes a command and gets its result", async () => {
  const seen = [];
  const { bridge, session } = await host("echoapp", [{
    name: "echoapp.echo", argsSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    handler: (args, invocation) => {
      seen.push(invocation);
      return { text: args.text.toUpperCase() };
    },
  }]);
  try {
    assert.match(session.info.id, /\S/);
    assert.equal(session.info.application, "echoapp");
    assert.ok(session.leaseMs > 0);
    const started = Date.now();
    const answer = await caller.hosts.invoke({ host: onApp("echoapp"), command: "echoapp.echo", args: { text: "hi" } }, { timeoutMs: 5000 });
    assert.deepEqual(answer, { hostId: session.info.id, result: { text: "HI" } });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].command, "echoapp.echo");
    assert.match(seen[0].invocationId, /\S/);
    assert.equal(seen[0].callerHost, "");
    assert.ok(seen[0].deadline instanceof Date && seen[0].deadline.getTime() > started && seen[0].deadline.getTime() <= Date.now() + 5000,
      `deadline ${seen[0].deadline}`);
    await assert.rejects(caller.hosts.invoke({ host: onApp("echoapp"), command: "echoapp.echo", args: { text: 3 } }),
      (error) => error.code === Code.INVALID_ARGUMENT, "the bridge checks args against argsSchema");
  } finally {
    bridge.close();
  }
});

// docs/protocol.md: the host answers `result`: any JSON value (InvocationResult.result is a
// google.protobuf.Value). The bridge refuses anything but an object so far: reported.
test("a command may return any JSON value, not only an object", async () => {
  const { bridge } = await host("valueapp", [
    { name: "valueapp.text", handler: () => "plain text" },
    { name: "valueapp.list", handler: () => [1, "two", null] },
    { name: "valueapp.nothing", handler: () => undefined },
  ]);
  try {
    const result = async (command) => (await caller.hosts.invoke({ host: onApp("valueapp"), command, args: {} })).result;
    assert.equal(await result("valueapp.text"), "plain text");
    assert.deepEqual(await result("valueapp.list"), [1, "two", null]);
    assert.equal(await result("valueapp.nothing"), null);
  } finally {
    bridge.close();
  }
});

test("a command's BridgeError reaches the caller with its code; other errors are UNKNOWN; a result that is not JSON is INTERNAL", async () => {
  const { bridge } = await host("failapp", [
    { name: "failapp.precondition", handler: () => { throw new BridgeError(Code.FAILED_PRECONDITION, "no document is open"); } },
    { name: "failapp.crash", handler: async () => { throw new TypeError("layer is undefined"); } },
    { name: "failapp.bigint", handler: () => ({ size: 10n }) },
  ]);
  try {
    await assert.rejects(caller.hosts.invoke({ host: onApp("failapp"), command: "failapp.precondition", args: {} }), (error) => {
      assert.equal(error.code, Code.FAILED_PRECONDITION);
      assert.equal(error.rawMessage, "no document is open");
      return true;
    });
    await assert.rejects(caller.hosts.invoke({ host: onApp("failapp"), command: "failapp.crash", args: {} }), (error) => {
      assert.equal(error.code, Code.UNKNOWN);
      assert.match(error.message, /layer is undefined/);
      return true;
    });
    await assert.rejects(caller.hosts.invoke({ host: onApp("failapp"), command: "failapp.bigint", args: {} }), (error) => {
      assert.equal(error.code, Code.INTERNAL);
      assert.match(error.message, /the result is not JSON/);
      return true;
    });
    await assert.rejects(caller.hosts.invoke({ host: onApp("failapp"), command: "failapp.missing", args: {} }),
      (error) => error.code !== Code.OK && /failapp\.missing/.test(error.message));
  } finally {
    bridge.close();
  }
});

// InvokeStream tests run on a bridge of their own: the bridge stops answering a connection
// whose InvokeStream ended and holds one of its IO threads (reported), which would stall
// every later test of this file.
async function withOwnBridge(body) {
  const own = await new BridgeProcess().start();
  const connections = [];
  try {
    await body(async () => {
      const bridge = await connectTo(own);
      connections.push(bridge);
      return bridge;
    });
  } finally {
    for (const bridge of connections) bridge.close();
    await own.kill();
    await own.dispose();
  }
}

const progressCommand = {
  name: "progressapp.work",
  handler: async (args, invocation) => {
    invocation.progress(0.25, "quarter", { step: 1 });
    invocation.progress(0.75, "three quarters");
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { state: "done" };
  },
};

test("progress reaches an InvokeStream caller before the result", () => withOwnBridge(async (open) => {
  await (await open()).attachHost({ application: "progressapp", commands: [progressCommand] });
  const messages = [];
  for await (const message of (await open()).hosts.invokeStream({ host: onApp("progressapp"), command: "progressapp.work", args: {} }, { timeoutMs: 5000 })) {
    messages.push(message);
  }
  assert.deepEqual(messages.filter((m) => m.progress).map((m) => [m.progress.fraction, m.progress.message]),
    [[0.25, "quarter"], [0.75, "three quarters"]]);
  assert.deepEqual(messages.filter((m) => m.progress)[0].progress.data, { step: 1 });
  assert.deepEqual(messages.at(-1).result.result, { state: "done" });
}));

test("a connection keeps answering after an InvokeStream ended", () => withOwnBridge(async (open) => {
  await (await open()).attachHost({ application: "progressapp", commands: [progressCommand] });
  const streamer = await open();
  for await (const _ of streamer.hosts.invokeStream({ host: onApp("progressapp"), command: "progressapp.work", args: {} }, { timeoutMs: 5000 })) { /* drain */ }
  assert.deepEqual(await streamer.server.ping({ payload: "after" }, { timeoutMs: 2000 }), { payload: "after" });
}));

test("updateCommands replaces the offered commands; detach leaves the connection usable", async () => {
  const { bridge, session } = await host("updateapp", [{ name: "updateapp.old", handler: () => ({ version: "old" }) }]);
  try {
    await session.updateCommands([{ name: "updateapp.new", title: "New", handler: () => ({ version: "new" }) }]);
    const { hosts } = await caller.hosts.listHosts({ application: "updateapp" });
    assert.deepEqual(hosts[0].commands.map((c) => [c.name, c.title]), [["updateapp.new", "New"]]);
    assert.equal((await caller.hosts.invoke({ host: onApp("updateapp"), command: "updateapp.new", args: {} })).result.version, "new");
    await session.detach();
    assert.deepEqual(await caller.hosts.listHosts({ application: "updateapp" }), { hosts: [] });
    assert.equal(session.info, null);
    assert.deepEqual(await bridge.server.ping({ payload: "still here" }), { payload: "still here" });
    await bridge.attachHost({ application: "updateapp", commands: [] });  // allowed again after detach
  } finally {
    bridge.close();
  }
});

test("a host may call the bridge, and itself, while it handles an invocation", async () => {
  let bridge;
  ({ bridge } = await host("selfapp", [
    { name: "selfapp.inner", handler: () => ({ n: 21 }) },
    { name: "selfapp.outer", handler: async () => {
      const { result } = await bridge.hosts.invoke({ host: onApp("selfapp"), command: "selfapp.inner", args: {} }, { timeoutMs: 5000 });
      return { n: result.n * 2 };
    } },
  ]));
  try {
    assert.equal((await caller.hosts.invoke({ host: onApp("selfapp"), command: "selfapp.outer", args: {} }, { timeoutMs: 5000 })).result.n, 42);
  } finally {
    bridge.close();
  }
});

test("a host that goes away fails the invocation in flight with UNAVAILABLE at once", async () => {
  let release;
  const running = new Promise((resolve) => { release = resolve; });
  const { bridge } = await host("vanishapp", [{ name: "vanishapp.hang", handler: () => { release(); return new Promise(() => {}); } }]);
  const call = caller.hosts.invoke({ host: onApp("vanishapp"), command: "vanishapp.hang", args: {} }, { timeoutMs: 20000 });
  await running;
  const closedAt = Date.now();
  bridge.close();
  await assert.rejects(call, (error) => error.code === Code.UNAVAILABLE);
  assert.ok(Date.now() - closedAt < 3000, `failed ${Date.now() - closedAt} ms after the host left`);
});

test("attachHost checks what it is given", async () => {
  const bridge = await connectTo(server);
  try {
    const invalid = (hello, pattern) => assert.rejects(bridge.attachHost(hello),
      (error) => error.code === Code.INVALID_ARGUMENT && pattern.test(error.message));
    await invalid({ commands: [] }, /application: required/);
    await invalid({ application: "x", colour: 1 }, /unknown field "colour"/);
    await invalid({ application: "x", commands: [{ name: "x.a" }] }, /commands\[0\]\.handler: expected a function/);
    await invalid({ application: "x", commands: [{ name: "x.a", handler() {} }, { name: "x.a", handler() {} }] }, /commands\[1\]\.name: "x\.a" is offered twice/);
    await invalid({ application: "x", commands: [{ handler() {} }] }, /commands\[0\]\.name: required/);
    await bridge.attachHost({ application: "checkapp", commands: [] });
    await assert.rejects(bridge.attachHost({ application: "checkapp" }), (error) => error.code === Code.FAILED_PRECONDITION);
  } finally {
    bridge.close();
  }
});

test("after the bridge restarts the host is attached again and invocable", async () => {
  const { bridge, session } = await host("restartapp", [{ name: "restartapp.ping", handler: () => ({ answer: "pong" }) }],
    { reconnect: { initialMs: 50, maxMs: 400 } });
  try {
    const reattached = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no re-attach within 15 s")), 15000);
      bridge.on("hostAttached", (info) => { clearTimeout(timer); resolve(info); });
    });
    await server.restart();
    caller.close();
    caller = await connectTo(server);
    const info = await reattached;
    assert.equal(session.info, info);
    assert.equal((await caller.hosts.invoke({ host: onApp("restartapp"), command: "restartapp.ping", args: {} }, { timeoutMs: 5000 })).result.answer, "pong");
  } finally {
    bridge.close();
  }
});
