// One real call per method of every service, through the generated surface
// (bridge.<service>.<method>), against the demo project of a live server.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { BridgeProcess } from "./support/bridge-process.js";
import { connectTo } from "./support/connect.js";
import { protoContract } from "./support/proto-contract.js";

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

const photoshopWorkFields = { Sequence: "sq010", Shot: "sh010", Step: "comp", name: "main", version: 1 };
const sh010 = { type: "Shot", id: 1 };

test("rpc.discover gives every rpc of the .proto files a function of the bridge", () => {
  const discovered = bridge.contract.services.flatMap((s) => s.methods.map((m) => `${m.method} ${m.kind}`)).sort();
  const declared = protoContract().services.flatMap((s) => s.methods.map((m) => `${m.method} ${m.kind}`)).sort();
  assert.deepEqual(discovered, declared);
  const surface = { BridgeService: "server", EntityService: "entities", TemplateService: "templates",
    ContextService: "context", PublishService: "publishes", EventService: "events", HostService: "hosts" };
  for (const line of declared.filter((l) => !l.endsWith("bidi_streaming"))) {
    const [, service, method] = /^pipebridge\.v1\.(\w+)\/(\w+)/.exec(line);
    const name = method[0].toLowerCase() + method.slice(1);
    assert.equal(typeof bridge[surface[service]]?.[name], "function", `bridge.${surface[service]}.${name}`);
  }
  assert.equal(bridge.hosts.attach, undefined, "bidirectional Attach is gRPC-only; hosts use attachHost()");
});

describe("server (BridgeService)", () => {
  test("getInfo names the demo project and protocol 1", async () => {
    const info = await bridge.server.getInfo({});
    assert.equal(info.protocolVersion, 1);
    assert.equal(info.project, "demo");
    assert.equal(info.pid, server.discovery.pid);
    assert.ok(info.capabilities.includes("entities"), info.capabilities.join());
    assert.ok(info.endpoints.some((e) => e.transport === "jsonrpc-ws" && e.address === server.wsUrl));
  });

  test("ping echoes its payload", async () => {
    assert.deepEqual(await bridge.server.ping({ payload: "héllo ✓" }), { payload: "héllo ✓" });
  });
});

describe("entities (EntityService)", () => {
  test("find filters through a linked field", async () => {
    const { entities, hasMore } = await bridge.entities.find({
      entityType: "Shot", filters: [["sg_sequence.Sequence.code", "is", "sq010"]], fields: ["code"],
      order: [{ fieldName: "code", direction: "SORT_DIRECTION_DESC" }] });
    assert.deepEqual(entities.map((e) => e.code), ["sh030", "sh020", "sh010"]);
    assert.equal(hasMore, false);
  });

  test("get returns one entity with its link", async () => {
    const { entity } = await bridge.entities.get({ entityType: "Shot", id: 1, fields: ["code", "sg_sequence"] });
    assert.equal(entity.code, "sh010");
    assert.deepEqual(entity.sg_sequence, { type: "Sequence", id: 1, name: "sq010" });
  });

  test("create, update, delete and revive one shot", async () => {
    const { entity: created } = await bridge.entities.create({
      entityType: "Shot", data: { code: "sh900", sg_sequence: { type: "Sequence", id: 2 } }, returnFields: ["code"] });
    assert.equal(created.code, "sh900");
    assert.ok(Number.isInteger(created.id) && created.id > 6, `new id ${created.id}`);

    const { entity: updated } = await bridge.entities.update({
      entityType: "Shot", id: created.id, data: { description: "from the JS client" }, returnFields: ["description"] });
    assert.equal(updated.description, "from the JS client");

    assert.deepEqual(await bridge.entities.delete({ entityType: "Shot", id: created.id }), { retired: true });
    assert.deepEqual(await bridge.entities.delete({ entityType: "Shot", id: created.id }), { retired: false });
    const { entities: retired } = await bridge.entities.find({ entityType: "Shot", retiredOnly: true, fields: ["code"] });
    assert.ok(retired.some((e) => e.id === created.id));
    assert.deepEqual(await bridge.entities.revive({ entityType: "Shot", id: created.id }), { revived: true });
    const { entity: back } = await bridge.entities.get({ entityType: "Shot", id: created.id, fields: ["code"] });
    assert.equal(back.code, "sh900");
  });

  test("batch applies several operations in order", async () => {
    const { results } = await bridge.entities.batch({ requests: [
      { create: { entityType: "Asset", data: { code: "batch_a" }, returnFields: ["code"] } },
      { create: { entityType: "Asset", data: { code: "batch_b" }, returnFields: ["code"] } },
    ] });
    assert.deepEqual(results.map((r) => r.entity.code), ["batch_a", "batch_b"]);
    const { results: deleted } = await bridge.entities.batch({ requests: [
      { delete: { entityType: "Asset", id: results[0].entity.id } }] });
    assert.deepEqual(deleted, [{ retired: true }]);
  });

  test("schema types the Shot fields", async () => {
    const { entityTypes } = await bridge.entities.schema({ entityType: "Shot" });
    assert.equal(entityTypes.length, 1);
    const fields = Object.fromEntries(entityTypes[0].fields.map((f) => [f.name, f]));
    assert.equal(fields.code.dataType, "FIELD_TYPE_TEXT");
    assert.deepEqual(fields.sg_sequence.linkTypes, ["Sequence"]);
    assert.equal(fields.id.editable, false);
  });

  test("summarize counts shots per sequence", async () => {
    const { groups } = await bridge.entities.summarize({
      entityType: "Shot", filters: [["code", "starts_with", "sh0"]],
      summaryFields: [{ field: "id", type: "count" }], grouping: [{ field: "sg_sequence" }] });
    assert.deepEqual(groups.map((g) => [g.groupName, g.summaries.id]), [["sq010", 3], ["sq020", 3]]);
  });
});

describe("templates (TemplateService)", () => {
  test("listTemplates includes the Photoshop work file", async () => {
    const { templates, keys } = await bridge.templates.listTemplates({});
    const psd = templates.find((t) => t.name === "photoshop_shot_work");
    assert.ok(psd, "photoshop_shot_work is listed");
    assert.deepEqual(psd.keys, ["Sequence", "Shot", "Step", "name", "version"]);
    assert.ok(keys.some((k) => k.name === "version" && k.type === "int"));
  });

  test("apply and parse are inverse", async () => {
    const { path } = await bridge.templates.apply({ template: "photoshop_shot_work", fields: photoshopWorkFields });
    assert.ok(path.endsWith("/sequences/sq010/sh010/comp/work/photoshop/sh010_main_v001.psd"), path);
    const { fields } = await bridge.templates.parse({ template: "photoshop_shot_work", path });
    assert.deepEqual(fields, photoshopWorkFields);
    const { results } = await bridge.templates.match({ paths: [path] });
    assert.equal(results[0].matches[0].template, "photoshop_shot_work");
  });

  test("explain says why a path does not fit", async () => {
    const { path } = await bridge.templates.apply({ template: "photoshop_shot_work", fields: photoshopWorkFields });
    const explained = await bridge.templates.explain({ template: "photoshop_shot_work", path: path.replace("_v001", "_v1") });
    assert.equal(explained.matches, false);
    assert.equal(explained.key, "version");
    assert.match(explained.reason, /format_spec/);
  });

  test("validate and missingKeys report what is missing", async () => {
    const fields = { Sequence: "sq010", Shot: "sh010" };
    const { valid, problems } = await bridge.templates.validate({ template: "photoshop_shot_work", fields });
    assert.equal(valid, false);
    assert.deepEqual(problems.map((p) => p.field).sort(), ["Step", "name", "version"]);
    assert.deepEqual(await bridge.templates.missingKeys({ template: "photoshop_shot_work", fields }), { keys: ["Step", "name", "version"] });
  });
});

describe("context (ContextService)", () => {
  test("fromEntity of the comp task gives shot, step and sequence", async () => {
    const { context } = await bridge.context.fromEntity({ entity: { type: "Task", id: 8 } });
    assert.equal(context.entity.name, "sh010");
    assert.equal(context.step.name, "comp");
    assert.deepEqual(context.additionalEntities, [{ type: "Sequence", id: 1, name: "sq010" }]);
  });

  test("fromPath resolves a work file to its context", async () => {
    const { path } = await bridge.templates.apply({ template: "photoshop_shot_work", fields: photoshopWorkFields });
    const found = await bridge.context.fromPath({ path });
    assert.equal(found.template, "photoshop_shot_work");
    assert.deepEqual(found.context.entity, { type: "Shot", id: 1, name: "sh010" });
    assert.equal(found.fields.version, 1);
  });

  test("toFields, serialize and deserialize", async () => {
    const context = { entity: sh010, step: { type: "Step", id: 7 } };
    const { fields } = await bridge.context.toFields({ context });
    assert.deepEqual(fields, { Sequence: "sq010", Shot: "sh010", Step: "comp" });
    const { serialized } = await bridge.context.serialize({ context });
    assert.equal(typeof serialized, "string");
    const { context: back } = await bridge.context.deserialize({ serialized });
    assert.equal(back.entity.id, 1);
    assert.equal(back.step.id, 7);
  });
});

describe("publishes (PublishService)", () => {
  const context = { entity: sh010, step: { type: "Step", id: 7 } };

  test("reserve, register, get, find and the dependency graph", async () => {
    const { version } = await bridge.publishes.reserveVersion({ context, name: "plate", publishType: "Image" });
    assert.ok(version >= 1);
    const { publish: base } = await bridge.publishes.register({
      context, name: "plate", publishType: "Image", version, path: `/tmp/js-test/plate_v${version}.exr` });
    assert.equal(base.version, version);
    const { publish: comp } = await bridge.publishes.register({
      context, name: "comp", publishType: "Image", path: "/tmp/js-test/comp_v001.exr",
      dependencies: [{ id: base.id }], metadata: { from: "js" } });
    assert.deepEqual(comp.dependencyIds, [base.id]);

    assert.equal((await bridge.publishes.get({ id: comp.id })).publish.path, "/tmp/js-test/comp_v001.exr");
    assert.equal((await bridge.publishes.get({ path: base.path })).publish.id, base.id);

    const { publishes: latest } = await bridge.publishes.findLatest({ context, name: "comp" });
    assert.deepEqual(latest.map((p) => p.id), [comp.id]);
    const { publishes: found } = await bridge.publishes.find({ filters: [["name", "is", "comp"], ["publish_type", "is", "Image"]] });
    assert.deepEqual(found.map((p) => p.id), [comp.id]);

    const { publishes: upstream } = await bridge.publishes.upstream({ id: comp.id });
    assert.deepEqual(upstream.map((r) => [r.publish.id, r.depth]), [[base.id, 1]]);
    const { publishes: downstream } = await bridge.publishes.downstream({ id: base.id });
    assert.deepEqual(downstream.map((r) => [r.publish.id, r.depth]), [[comp.id, 1]]);
    const { publishes: stale } = await bridge.publishes.staleIfRepublished({ id: base.id });
    assert.deepEqual(stale.map((r) => r.publish.id), [comp.id]);
  });
});

describe("events (EventService)", () => {
  test("publish, list and subscribe see the same event", async () => {
    const { event } = await bridge.events.publish({ topic: "jsclient.services", payload: { n: 1 } });
    assert.match(event.id, /^\d+$/, "int64 ids are strings");
    const { events } = await bridge.events.list({ afterId: String(BigInt(event.id) - 1n), topics: ["jsclient.*"] });
    assert.deepEqual(events.map((e) => [e.id, e.topic, e.payload.n]), [[event.id, "jsclient.services", 1]]);
    const subscription = bridge.events.subscribe({ topics: ["jsclient.*"], afterId: String(BigInt(event.id) - 1n) });
    for await (const replayed of subscription) {
      assert.equal(replayed.id, event.id);
      break;
    }
  });
});

describe("hosts (HostService)", () => {
  test("listHosts, and invoke without a host names the application", async () => {
    assert.deepEqual(await bridge.hosts.listHosts({ application: "nobody" }), { hosts: [] });
    await assert.rejects(
      bridge.hosts.invoke({ host: { query: { application: "nobody" } }, command: "x.y", args: {} }),
      (error) => error.code >= 5 && /nobody/.test(error.message));
  });
});
