// connect() with no URL finds the bridge the way every client does: PIPEBRIDGE_URL, else
// the discovery file, whose process must be alive.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { Code, connect } from "../src/pipebridge.js";
import { BridgeProcess } from "./support/bridge-process.js";
import { connectTo, WebSocket } from "./support/connect.js";

let server;
let scratch;

before(async () => {
  server = await new BridgeProcess().start();
  scratch = mkdtempSync(join(tmpdir(), "pipebridge-js-discovery-"));
});

after(async () => {
  await server?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

function withEnv(values, body) {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  const restore = () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  return Promise.resolve().then(body).finally(restore);
}

test("the discovery file of a live bridge gives its endpoint and token", async () => {
  const bridge = await connectTo(server);
  try {
    assert.equal(bridge.state, "ready");
    assert.equal(bridge.serverInfo.protocolVersion, 1);
    assert.equal(bridge.serverInfo.server.name, "pipebridge");
    assert.deepEqual(await bridge.server.ping({ payload: "found" }), { payload: "found" });
  } finally {
    bridge.close();
  }
});

test("PIPEBRIDGE_DISCOVERY_DIR names the folder when no option does", async () => {
  await withEnv({ PIPEBRIDGE_DISCOVERY_DIR: server.discoveryDir }, async () => {
    const bridge = await connectTo(server, { discoveryDir: undefined });
    bridge.close();
  });
});

test("PIPEBRIDGE_URL and PIPEBRIDGE_TOKEN win over the discovery file", async () => {
  const empty = join(scratch, "nothing-here");
  await withEnv({ PIPEBRIDGE_URL: server.wsUrl, PIPEBRIDGE_TOKEN: server.token }, async () => {
    const bridge = await connectTo(server, { discoveryDir: empty });
    assert.equal((await bridge.server.getInfo({})).pid, server.discovery.pid);
    bridge.close();
  });
});

test("PIPEBRIDGE_URL may carry the token as its ?token= query", async () => {
  const empty = join(scratch, "nothing-here-either");
  await withEnv({ PIPEBRIDGE_URL: `${server.wsUrl}?token=${server.token}` }, async () => {
    const bridge = await connectTo(server, { discoveryDir: empty });
    assert.equal((await bridge.server.getInfo({})).pid, server.discovery.pid);
    bridge.close();
  });
});

test("no discovery file: UNAVAILABLE saying no bridge is running", async () => {
  const dir = join(scratch, "empty");
  mkdirSync(dir);
  await assert.rejects(connect({ WebSocket, discoveryDir: dir }), (error) => {
    assert.equal(error.code, Code.UNAVAILABLE);
    assert.match(error.message, /bridge\.json: no bridge is running/);
    return true;
  });
});

test("a discovery file naming a dead process is stale: UNAVAILABLE", async () => {
  const dir = join(scratch, "stale");
  mkdirSync(dir);
  // pid 2^22+1 is above Linux's default pid_max range in use here; no such process.
  writeFileSync(join(dir, "bridge.json"), JSON.stringify({ ...server.discovery, pid: 4194305 }));
  await assert.rejects(connect({ WebSocket, discoveryDir: dir }), (error) => {
    assert.equal(error.code, Code.UNAVAILABLE);
    assert.match(error.message, /names process 4194305, which is not running/);
    return true;
  });
});
