// The build step that turns the contract (`pipebridge discover`) into TypeScript
// declarations and a contract module: the declarations type-check a real usage and catch
// mistakes; the contract module lets connect() skip rpc.discover.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { generate } from "../tools/generate-types.js";
import { BridgeProcess, bridgeBinary } from "./support/bridge-process.js";
import { connectTo, recordingWebSocket } from "./support/connect.js";

const run = promisify(execFile);
const clientDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(clientDir, "node_modules/typescript/bin/tsc");
let out;

before(async () => {
  out = mkdtempSync(join(tmpdir(), "pipebridge-js-types-"));
  await run(process.execPath, [join(clientDir, "tools/generate-types.js"), "--pipebridge", bridgeBinary(), "--out", out]);
});

after(() => rmSync(out, { recursive: true, force: true }));

test("the generated declarations type a real usage and reject wrong calls", async () => {
  copyFileSync(join(clientDir, "test/types/usage.ts"), join(out, "usage.ts"));
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }));
  const result = await run(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022",
    "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom,dom.asynciterable",
    "usage.ts", "pipebridge-contract.d.ts"], { cwd: out }).catch((error) => error);
  assert.equal(result.code ?? 0, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});

test("every method of the contract is declared, with its documentation", () => {
  const declarations = readFileSync(join(out, "pipebridge.d.ts"), "utf8");
  assert.match(declarations, /export interface EntityServiceClient \{/);
  assert.match(declarations, /find\(request\?: FindEntitiesRequest, options\?: CallOptions\): Promise<FindEntitiesResponse>;/);
  assert.match(declarations, /subscribe\(request\?: SubscribeEventsRequest, options\?: CallOptions\): EventSubscription<NonNullable<SubscribeEventsResponse\["event"\]>>;/);
  assert.match(declarations, /invokeStream\(request\?: InvokeStreamRequest, options\?: CallOptions\): ServerStream<InvokeStreamResponse>;/);
  assert.match(declarations, /\/\*\* Entity type to search, e\.g\. "Shot"\. \*\/\n\s+entityType\?: string;/);
  assert.match(declarations, /readonly entities: EntityServiceClient;/);
});

test("connect({ contract }) from the generated module skips rpc.discover", async () => {
  const server = await new BridgeProcess().start();
  const recorder = recordingWebSocket();
  try {
    const { contract } = await import(pathToFileURL(join(out, "pipebridge-contract.js")).href);
    const bridge = await connectTo(server, { WebSocket: recorder.WebSocket, contract });
    try {
      assert.deepEqual(await bridge.server.ping({ payload: "typed" }), { payload: "typed" });
      assert.equal(bridge.contract, contract);
      assert.ok(!recorder.sent.some((message) => message.method === "rpc.discover"), "rpc.discover was not called");
    } finally {
      bridge.close();
    }
  } finally {
    await server.dispose();
  }
});

test("a contract the generator cannot read is refused with the reason", () => {
  const runtime = "";
  assert.throws(() => generate({ services: [] }, runtime), /rpc\.discover document with services and schemas/);
  assert.throws(() => generate({ services: [], schemas: { "pipebridge.v1.A": { type: "object", properties: { b: { $ref: "#/schemas/pipebridge.v1.Missing" } } } } }, runtime),
    /\$ref #\/schemas\/pipebridge\.v1\.Missing names no schema/);
  assert.throws(() => generate({ services: [], schemas: { "pipebridge.v1.Bridge": { type: "object" } } }, "export declare class Bridge {}\n"),
    /pipebridge\.v1\.Bridge would be named Bridge, which the client's own API declares/);
});
