// tools/bundle.js joins src/ into one file: an ES module and a CommonJS script (for UXP's
// require). Both are loaded here as a user would and make real calls; the panel test loads
// the ES module in Chromium.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";

import { bundle } from "../tools/bundle.js";
import { BridgeProcess } from "./support/bridge-process.js";
import { WebSocket } from "./support/connect.js";

let out;
let server;

before(async () => {
  out = mkdtempSync(join(tmpdir(), "pipebridge-js-bundle-"));
  for (const [name, text] of Object.entries(bundle())) writeFileSync(join(out, name), text);
  server = await new BridgeProcess().start();
});

after(async () => {
  await server?.dispose();
  rmSync(out, { recursive: true, force: true });
});

async function exercise(pipebridge) {
  const bridge = await pipebridge.connect({ WebSocket, discoveryDir: server.discoveryDir });
  try {
    const { entities } = await bridge.entities.find({ entityType: "Sequence", fields: ["code"] });
    assert.deepEqual(entities.map((e) => e.code), ["sq010", "sq020"]);
    await assert.rejects(bridge.entities.get({ entityType: "Shot", id: 999 }),
      (error) => error instanceof pipebridge.BridgeError && error.code === pipebridge.Code.NOT_FOUND);
    await bridge.attachHost({ application: "bundleapp", commands: [{ name: "bundleapp.add", handler: ({ a, b }) => ({ sum: a + b }) }] });
    const { result } = await bridge.hosts.invoke({ host: { query: { application: "bundleapp" } }, command: "bundleapp.add", args: { a: 2, b: 3 } });
    assert.deepEqual(result, { sum: 5 });
  } finally {
    bridge.close();
  }
}

test("the ES module bundle exports what src/pipebridge.js does, and works", async () => {
  const bundled = await import(pathToFileURL(join(out, "pipebridge.mjs")).href);
  const source = await import("../src/pipebridge.js");
  assert.deepEqual(Object.keys(bundled).sort(), Object.keys(source).sort());
  await exercise(bundled);
});

test("the CommonJS bundle works through require()", async () => {
  const text = readFileSync(join(out, "pipebridge.cjs"), "utf8");
  assert.doesNotMatch(text, /^\s*(import|export)\s/m, "no module syntax left");
  await exercise(createRequire(import.meta.url)(join(out, "pipebridge.cjs")));
});
