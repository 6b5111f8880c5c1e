// The panel: shows the pipeline context of the open document and the latest publishes of
// that context (refreshed on every publish.created), and offers photoshop.exportLayers to
// every other pipeline tool. ./lib/pipebridge.js is the client's one-file bundle, put there
// when packaging (clients/js/README.md).

import { connect } from "./lib/pipebridge.js";
import { bridgeSettings, rememberSettings } from "./bridge-settings.js";
import { connectPhotoshop } from "./photoshop.js";

const photoshop = connectPhotoshop();
const $ = (id) => document.getElementById(id);

const exportLayersCommand = {
  name: "photoshop.exportLayers",
  title: "Export layers",
  description: "Saves every top-level layer of the open document as its own image in a folder.",
  argsSchema: {
    type: "object",
    properties: {
      folder: { type: "string", description: "Absolute folder to write the images into." },
      format: { type: "string", enum: ["png", "jpg"], description: "Image format (default png)." },
    },
    required: ["folder"],
    additionalProperties: false,
  },
  resultSchema: {
    type: "object",
    properties: { document: { type: "string" }, files: { type: "array", items: { type: "string" } } },
  },
  async handler(args, invocation) {
    log(`export of layers asked${invocation.callerHost ? ` by ${invocation.callerHost}` : ""}`);
    invocation.progress(0, "exporting layers");
    const result = await photoshop.exportLayers({ folder: args.folder, format: args.format ?? "png" });
    log(`exported ${result.files.length} layers of ${result.document}`);
    return result;
  },
};

async function start(settings) {
  setState("connecting");
  let bridge;
  try {
    bridge = await connect({ ...settings, client: { name: "photoshop-panel", version: "0.1.0" } });
  } catch (error) {
    setState("failed");
    log(`cannot connect: ${error.message}`);
    askForSettings(settings);
    return;
  }
  bridge.on("state", (state) => setState(state));
  bridge.on("hostAttached", (host) => {
    $("host").textContent = `host ${host.id}`;
    document.body.dataset.host = "attached";
  });
  bridge.on("error", (error) => log(`bridge: ${error.message}`));
  setState(bridge.state);
  log(`connected to pipebridge ${bridge.serverInfo.server.version}`);

  const context = await showContext(bridge);
  if (context) {
    await showPublishes(bridge, context);
    watchPublishes(bridge, context);
  }
  try {
    await bridge.attachHost({
      application: "photoshop",
      applicationVersion: photoshop.version,
      displayName: `Photoshop — ${photoshop.activeDocument()?.name ?? "no document"}`,
      commands: [exportLayersCommand],
    });
  } catch (error) {
    log(`cannot offer commands: ${error.message}`);
  }
}

async function showContext(bridge) {
  const open = photoshop.activeDocument();
  $("document").textContent = open?.name ?? "no document open";
  if (!open) return null;
  try {
    const { context, template } = await bridge.context.fromPath({ path: open.path });
    $("entity").textContent = context.entity ? `${context.entity.type} ${context.entity.name}` : "-";
    $("step").textContent = context.step?.name ?? "-";
    $("template").textContent = template || "-";
    return context;
  } catch (error) {
    log(`${open.name} is not in the pipeline: ${error.rawMessage ?? error.message}`);
    return null;
  }
}

async function showPublishes(bridge, context) {
  const { publishes } = await bridge.publishes.findLatest({ context: { entity: context.entity, step: context.step } });
  const list = $("publishes");
  list.replaceChildren(...(publishes.length ? publishes : [null]).map((publish) => {
    const item = document.createElement("li");
    if (!publish) {
      item.className = "empty";
      item.textContent = "none yet";
      return item;
    }
    const version = document.createElement("span");
    version.className = "version";
    version.textContent = ` v${String(publish.version).padStart(3, "0")}`;
    item.append(`${publish.name} (${publish.publishType})`, version);
    item.dataset.publishId = String(publish.id);
    return item;
  }));
}

// Runs for the panel's life; the subscription resumes by itself after a reconnect.
async function watchPublishes(bridge, context) {
  try {
    for await (const event of bridge.events.subscribe({ topics: ["publish.created"] })) {
      const { name, version_number: version } = event.payload.changes ?? {};
      log(`new publish ${name?.new ?? "?"} v${version?.new ?? "?"}`);
      await showPublishes(bridge, context);
    }
  } catch (error) {
    log(`publish updates stopped: ${error.message}`);
  }
}

function setState(state) {
  document.body.dataset.state = state;
  $("status").textContent = state;
}

function log(message) {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${message}`;
  $("activity").prepend(item);
}

function askForSettings(previous) {
  const form = $("settings");
  form.hidden = false;
  if (previous?.url) form.elements.url.value = previous.url;
  form.onsubmit = (submitted) => {
    submitted.preventDefault();
    const settings = { url: form.elements.url.value.trim(), token: form.elements.token.value.trim() };
    rememberSettings(settings);
    form.hidden = true;
    start(settings);
  };
}

const settings = bridgeSettings();
if (settings) start(settings);
else askForSettings(null);
