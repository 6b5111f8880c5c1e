// The studio workflow across five real processes (issue: clients for game engines):
//   1. a Python DCC host ("maya", clients/python) reserves and registers a model publish;
//   2. the Photoshop panel (clients/js, headless Chromium) receives publish.created and
//      registers a texture publish that depends on the model;
//   3. a Lua engine host (clients/lua) and a C# engine host (clients/csharp) both receive
//      the texture's event, resolve its path through the templates, and report back by
//      invoking maya.notify on the Python host;
//   4. a Python tool (the Python client's command line) finds the texture downstream of the
//      model;
//   5. every process exits cleanly, and the event log holds exactly the expected events.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

import { BridgeProcess } from "../../../clients/js/test/support/bridge-process.js";
import { connectTo } from "../../../clients/js/test/support/connect.js";
import { openPanel } from "../../../clients/js/test/support/panel-page.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const notifier = process.env.PIPEBRIDGE_CSHARP_NOTIFIER;
const processes = [];
let server;
let tool;
let panel;

// A child process whose stdout lines can be awaited one by one (each wait bounded).
function start(name, command, args, env = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const entry = {
    name,
    child,
    exited: once(child, "exit"),
    async until(pattern, timeoutMs = 30000) {
      let timer;
      const timeout = new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        while (true) {
          const { value, done } = await Promise.race([lines.next(), timeout]);
          if (done) throw new Error(`${name} ended before printing ${pattern}`);
          const match = value.match(pattern);
          if (match) return match;
        }
      } finally {
        clearTimeout(timer);
      }
    },
    async exitCode(timeoutMs = 20000) {
      if (child.exitCode !== null) return child.exitCode;
      let timer;
      const timeout = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`${name} did not exit`)), timeoutMs); });
      try {
        const [code] = await Promise.race([entry.exited, timeout]);
        return code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  processes.push(entry);
  return entry;
}

after(async () => {
  for (const { child } of processes) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await panel?.close();
  tool?.close();
  await server?.dispose();
});

test("a model goes from Maya to Photoshop to two engines and back, and the log tells it", async () => {
  assert.ok(notifier, "PIPEBRIDGE_CSHARP_NOTIFIER must name clients/csharp's PublishNotifier.exe");
  server = await new BridgeProcess().start();
  tool = await connectTo(server);
  const { events: seeded } = await tool.events.list({ limit: 5000 });
  const afterSeed = seeded.length ? seeded.at(-1).id : "0";
  const discovery = { PIPEBRIDGE_DISCOVERY_DIR: server.discoveryDir, PYTHONPATH: join(repo, "clients/python"),
                      PYTHONDONTWRITEBYTECODE: "1" };

  // The artist's Maya, and the two engines (they replay the log: nothing is missed at start).
  const maya = start("maya", "/usr/bin/python3", [join(repo, "clients/python/examples/maya_like_host.py")], discovery);
  const mayaHost = (await maya.until(/^READY (\S+)$/))[1];
  const lua = start("lua", "lua5.4", [join(repo, "clients/lua/examples/game_editor.lua"), "--type", "Photoshop Image",
    "--notify", "maya", "--from-beginning", "--exit-after-publishes", "1", "--seconds", "60"], discovery);
  await lua.until(/^attached as lua-engine/);
  const unity = start("unity", "mono", [notifier, "--discovery-dir", server.discoveryDir,
    "--type", "Photoshop Image", "--notify", "maya"], discovery);
  await unity.until(/^READY \S+$/);

  // The Photoshop panel on its texture document; in its page, the hand-off: on the model's
  // publish.created it registers the texture, made from the model.
  const { path: documentPath } = await tool.templates.apply({ template: "photoshop_shot_work",
    fields: { Sequence: "sq010", Shot: "sh010", Step: "comp", name: "hero", version: 1 } });
  panel = await openPanel(server, documentPath);
  await panel.attached();
  const handOff = panel.page.evaluate(async ({ url, token }) => {
    const { connect } = await import("/lib/pipebridge.js");
    const bridge = await connect({ url, token, reconnect: false });
    try {
      for await (const event of bridge.events.subscribe({ topics: ["publish.created"], fromBeginning: true,
        filters: [["payload.changes.published_file_type.new", "is", "Maya Scene"]] })) {
        const model = (await bridge.publishes.get({ id: event.payload.entity.id })).publish;
        // The texture's path comes from the studio's templates, like every publish's.
        const { fields } = await bridge.context.toFields({ context: model.context, template: "photoshop_shot_publish" });
        const { path } = await bridge.templates.apply({ template: "photoshop_shot_publish",
          fields: { ...fields, name: "herodiffuse", version: 1 } });
        const { publish: texture } = await bridge.publishes.register({
          context: model.context, name: "herodiffuse", publishType: "Photoshop Image", version: 1, path,
          template: "photoshop_shot_publish", dependencies: [{ id: model.id }] });
        return { model: model.id, texture: texture.id, texturePath: texture.path };
      }
    } finally {
      bridge.close();
    }
  }, { url: server.wsUrl, token: server.token });

  // 1. Maya publishes the model (it reserves the version and registers it).
  const published = await tool.hosts.invoke({ host: { hostId: mayaHost }, command: "maya.publishScene",
    args: { shot: "sh010", step: "comp", name: "hero" } }, { timeoutMs: 15000 });
  const { model, texture, texturePath } = await handOff;
  assert.equal(model, published.result.id);

  // 3. Both engines resolved the texture and told Maya.
  const reports = [JSON.parse((await maya.until(/^NOTIFIED (.*)$/))[1]), JSON.parse((await maya.until(/^NOTIFIED (.*)$/))[1])];
  assert.deepEqual(reports.map((r) => r.from).sort(), ["lua-engine", "unity"]);
  for (const report of reports) {
    assert.equal(report.publish, texture);
    assert.equal(report.path, texturePath);
    assert.equal(report.shot, "sh010");
    assert.equal(report.template, "photoshop_shot_publish");
  }

  // 4. A Python tool: what was made from the model?
  const downstream = start("python tool", "/usr/bin/python3", ["-m", "pipebridge", "--discovery-dir", server.discoveryDir,
    "call", "pipebridge.v1.PublishService/Downstream", JSON.stringify({ id: model })], discovery);
  const related = JSON.parse((await downstream.until(/^\{.*\}$/))[0]);
  assert.deepEqual(related.publishes.map((p) => p.publish.id), [texture]);
  assert.equal(await downstream.exitCode(), 0);

  // 5. Everyone leaves cleanly.
  assert.equal(await lua.exitCode(), 0);
  assert.equal(await unity.exitCode(), 0);
  maya.child.kill("SIGTERM");
  assert.equal(await maya.exitCode(), 0);
  await panel.close();
  panel = null;

  const { events } = await tool.events.list({ afterId: afterSeed, limit: 5000 });
  const story = events.map((e) => {
    const p = e.payload;
    if (e.topic === "publish.created") return `publish.created ${p.changes.published_file_type.new} ${p.entity.id}`;
    if (e.topic.startsWith("host.invocation")) return `${e.topic} ${p.application} ${p.command}`;
    return `${e.topic} ${p.application}`;
  });
  const publishes = story.filter((line) => line.startsWith("publish."));
  assert.deepEqual(publishes, [`publish.created Maya Scene ${model}`, `publish.created Photoshop Image ${texture}`]);
  const sorted = (prefix) => story.filter((line) => line.startsWith(prefix)).sort();
  assert.deepEqual(sorted("host.attached"), ["host.attached lua-engine", "host.attached maya", "host.attached photoshop", "host.attached unity"]);
  assert.deepEqual(sorted("host.invocation"), ["host.invocation.completed maya maya.notify", "host.invocation.completed maya maya.notify",
    "host.invocation.completed maya maya.publishScene"]);
  assert.deepEqual(sorted("host.detached"), ["host.detached lua-engine", "host.detached maya", "host.detached photoshop", "host.detached unity"]);
  assert.equal(story.length, publishes.length + 11, story.join("\n"));
  // In order: the model before the texture, both after Maya attached and before it left.
  const at = (line) => story.indexOf(line);
  assert.ok(at("host.attached maya") < at(publishes[0]) && at(publishes[1]) < at("host.detached maya"), story.join("\n"));
});
