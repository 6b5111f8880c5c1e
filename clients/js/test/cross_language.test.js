// The cross-language test of the JS + Python clients: the Photoshop panel in headless
// Chromium and a Python DCC session (clients/python/examples/maya_like_host.py, the Python
// client as a Maya userSetup would use it) exchange an invocation each way, and each sees the
// other's publish event:
//   panel -> maya.publishScene on the Python host; the panel's publish list shows that publish
//   Python (python3 -m pipebridge call) -> photoshop.exportLayers on the panel
//   the panel registers a publish; the Python publish watcher prints it.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { BridgeProcess } from "./support/bridge-process.js";
import { connectTo } from "./support/connect.js";
import { openPanel } from "./support/panel-page.js";

const pythonClient = join(dirname(fileURLToPath(import.meta.url)), "../../python");

let server;
let tool;
let panel;
const pythons = [];

// A Python process of the Python client; lines() yields its stdout lines.
function python(args) {
  const child = spawn("/usr/bin/python3", args, {
    env: { ...process.env, PYTHONPATH: pythonClient, PYTHONDONTWRITEBYTECODE: "1" },
    stdio: ["ignore", "pipe", "inherit"] });
  pythons.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, async line(timeoutMs = 15000) {
    let timer;
    const timeout = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`no output from ${args[0]} in ${timeoutMs} ms`)), timeoutMs); });
    try {
      const { value, done } = await Promise.race([lines.next(), timeout]);
      if (done) throw new Error(`${args[0]} ended`);
      return value;
    } finally {
      clearTimeout(timer);
    }
  } };
}

before(async () => {
  server = await new BridgeProcess().start();
  tool = await connectTo(server);
  const { path: documentPath } = await tool.templates.apply({ template: "photoshop_shot_work",
    fields: { Sequence: "sq010", Shot: "sh010", Step: "comp", name: "main", version: 1 } });
  panel = await openPanel(server, documentPath);
  await panel.attached();
});

after(async () => {
  for (const child of pythons) {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }
  await panel?.close();
  tool?.close();
  await server?.dispose();
});

test("the panel and a Python DCC invoke each other and see each other's publishes", async () => {
  const maya = python([join(pythonClient, "examples/maya_like_host.py"), "--discovery-dir", server.discoveryDir]);
  const mayaHost = (await maya.line()).match(/^READY (\S+)$/)?.[1];
  assert.ok(mayaHost, "the Python host did not attach");
  const watcher = python([join(pythonClient, "examples/publish_watcher.py"), "--discovery-dir", server.discoveryDir,
    "--type", "Photoshop Image", "--count", "1"]);
  assert.equal(await watcher.line(), "WATCHING");

  // Panel -> Python: from the panel's page, with the client bundle the panel ships.
  const published = await panel.page.evaluate(async ({ url, token }) => {
    const { connect } = await import("/lib/pipebridge.js");
    const bridge = await connect({ url, token, reconnect: false });
    try {
      return await bridge.hosts.invoke({ host: { query: { application: "maya" } }, command: "maya.publishScene",
        args: { shot: "sh010", step: "comp", name: "plate" } }, { timeoutMs: 10000 });
    } finally {
      bridge.close();
    }
  }, { url: server.wsUrl, token: server.token });
  assert.equal(published.hostId, mayaHost);
  assert.match(published.result.path, /sh010.*plate.*\.m[ab]$/);

  // The panel sees the Python host's publish: publish.created refreshes its list.
  await panel.page.locator("#publishes li[data-publish-id]", { hasText: "plate" }).waitFor({ timeout: 10000 });
  assert.match(await panel.text("#publishes"), /plate \(Maya Scene\) v001/);

  // Python -> panel: the Python client's command line invokes the panel's command.
  const invoke = python(["-m", "pipebridge", "--discovery-dir", server.discoveryDir, "call",
    "pipebridge.v1.HostService/Invoke", JSON.stringify({ host: { query: { application: "photoshop" } },
      command: "photoshop.exportLayers", args: { folder: "/tmp/cross-language/exports" } })]);
  const exported = JSON.parse(await invoke.line());
  assert.deepEqual(exported.result.files, ["Background", "Paint", "Text"].map(
    (layer) => `/tmp/cross-language/exports/sh010_main_v001_${layer}.png`));
  await panel.page.locator("#activity li", { hasText: "exported 3 layers" }).waitFor({ timeout: 5000 });

  // The Python watcher sees the panel's publish.
  const matte = await panel.page.evaluate(async ({ url, token }) => {
    const { connect } = await import("/lib/pipebridge.js");
    const bridge = await connect({ url, token, reconnect: false });
    try {
      return (await bridge.publishes.register({ context: { entity: { type: "Shot", id: 1 } }, name: "paintover",
        publishType: "Photoshop Image", path: "/tmp/cross-language/sh010_paintover_v001.psd" })).publish;
    } finally {
      bridge.close();
    }
  }, { url: server.wsUrl, token: server.token });
  const seen = JSON.parse(await watcher.line());
  assert.equal(seen.name, "paintover");
  assert.equal(String(seen.id), String(matte.id));
  assert.deepEqual(panel.pageErrors, []);
});
