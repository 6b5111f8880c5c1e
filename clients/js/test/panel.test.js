// The Photoshop panel example in headless Chromium against a live bridge: it shows the
// context of its (fake) document, refreshes its publishes on publish.created, and a Python
// tool (standard library only, JSON-RPC over TCP) runs its photoshop.exportLayers command.
// The panel's lib/pipebridge.js is the one-file bundle, as a packaged plugin carries it.
// A screenshot goes to $PIPEBRIDGE_JS_ARTIFACTS (ctest: the build folder).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { Code } from "../src/pipebridge.js";
import { BridgeProcess } from "./support/bridge-process.js";
import { connectTo } from "./support/connect.js";
import { openPanel, panelDir } from "./support/panel-page.js";

const run = promisify(execFile);
const artifacts = process.env.PIPEBRIDGE_JS_ARTIFACTS ?? join(tmpdir(), "pipebridge-js-artifacts");

let server;
let tool;
let panel;
let page;
let pageErrors;

before(async () => {
  server = await new BridgeProcess().start();
  tool = await connectTo(server);
  const { path: documentPath } = await tool.templates.apply({ template: "photoshop_shot_work",
    fields: { Sequence: "sq010", Shot: "sh010", Step: "comp", name: "main", version: 1 } });
  panel = await openPanel(server, documentPath);
  ({ page, pageErrors } = panel);
});

after(async () => {
  await panel?.close();
  tool?.close();
  await server?.dispose();
});

const text = (selector) => panel.text(selector);


test("the panel connects, shows the document's context and attaches as a host", async () => {
  await panel.attached();
  assert.equal(await page.evaluate(() => document.body.dataset.state), "ready");
  assert.equal(await text("#document"), "sh010_main_v001.psd");
  assert.equal(await text("#entity"), "Shot sh010");
  assert.equal(await text("#step"), "comp");
  assert.equal(await text("#template"), "photoshop_shot_work");
  assert.equal(await text("#publishes"), "none yet");
  const { hosts } = await tool.hosts.listHosts({ application: "photoshop" });
  assert.equal(hosts.length, 1);
  assert.deepEqual(hosts[0].commands.map((c) => c.name), ["photoshop.exportLayers"]);
  assert.equal(await text("#host"), `host ${hosts[0].id}`);
});

test("a publish of the context appears without a reload", async () => {
  await tool.publishes.register({
    context: { entity: { type: "Shot", id: 1 }, step: { type: "Step", id: 7 } },
    name: "matte", publishType: "Photoshop Image", path: "/tmp/js-panel/sh010_matte_v001.psd" });
  await page.locator("#publishes li[data-publish-id]", { hasText: "matte" }).waitFor({ timeout: 10000 });
  assert.equal(await text("#publishes"), "matte (Photoshop Image) v001");
  assert.match(await text("#activity"), /new publish matte v1/);
});

test("a Python tool runs photoshop.exportLayers in the panel", async () => {
  const { stdout } = await run("python3", [join(panelDir, "tools/export_layers.py"), "/tmp/js-panel/exports",
    "--discovery-dir", server.discoveryDir, "--timeout-ms", "10000"], { timeout: 20000 });
  const answer = JSON.parse(stdout);
  assert.deepEqual(answer.result, {
    document: "sh010_main_v001.psd",
    files: ["Background", "Paint", "Text"].map((layer) => `/tmp/js-panel/exports/sh010_main_v001_${layer}.png`) });
  assert.equal(`host ${answer.hostId}`, await text("#host"));
  await page.locator("#activity li", { hasText: "exported 3 layers of sh010_main_v001.psd" }).waitFor({ timeout: 5000 });
});

test("arguments that do not fit the command's schema never reach the panel", async () => {
  const before_ = await text("#activity");
  await assert.rejects(
    tool.hosts.invoke({ host: { query: { application: "photoshop" } }, command: "photoshop.exportLayers", args: { folder: "/tmp", format: "gif" } }),
    (error) => error.code === Code.INVALID_ARGUMENT && /format/.test(error.message));
  assert.equal(await text("#activity"), before_);
  assert.deepEqual(pageErrors, []);
  mkdirSync(artifacts, { recursive: true });
  const screenshot = join(artifacts, "photoshop-panel.png");
  await page.screenshot({ path: screenshot });
  test.diagnostic?.(`screenshot: ${screenshot}`);
});
