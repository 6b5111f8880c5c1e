// A real `pipebridge serve --demo` for one test file: private discovery and project folders,
// ports picked by the kernel, found through its discovery file as every client finds it.
// restart() brings it back on the same ports with the same project (a new token).

import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function bridgeBinary() {
  const binary = process.env.PIPEBRIDGE_BIN;
  if (!binary) {
    throw new Error("PIPEBRIDGE_BIN is not set: point it at the pipebridge executable (ctest sets it; by hand: PIPEBRIDGE_BIN=/path/to/pipebridge node --test)");
  }
  return binary;
}

export class BridgeProcess {
  constructor() {
    this.binary = bridgeBinary();
    this.root = mkdtempSync(join(tmpdir(), "pipebridge-js-"));
    this.discoveryDir = join(this.root, "discovery");
    this.projectDir = join(this.root, "project");
    this.logPath = join(this.root, "server.log");
    this.ports = { grpc: "0", http: "0", tcp: "0" };
    this.child = null;
    this.discovery = null;
  }

  /** Starts the server and resolves once its discovery file names it (bounded wait). */
  async start(timeoutMs = 20000) {
    const log = openSync(this.logPath, "a");
    this.child = spawn(this.binary, ["serve", "--demo",
      "--discovery-dir", this.discoveryDir, "--project-dir", this.projectDir,
      "--grpc-port", this.ports.grpc, "--http-port", this.ports.http, "--tcp-port", this.ports.tcp,
      // Open subscriptions would hold a stop for the default 5 s grace.
      "--shutdown-grace-ms", "300"],
      { stdio: ["ignore", log, log] });
    closeSync(log);
    const exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    this.exited = exited;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const exit = await within(exited, 20);
      if (exit) throw new Error(`pipebridge exited (${JSON.stringify(exit)}):\n${this.log()}`);
      const discovery = this.#readDiscovery();
      if (discovery?.pid === this.child.pid) {
        this.discovery = discovery;
        this.ports = {
          grpc: portOf(discovery.endpoints.grpc),
          http: portOf(discovery.endpoints["jsonrpc-ws"]),
          tcp: portOf(discovery.endpoints["jsonrpc-tcp"]),
        };
        return this;
      }
    }
    await this.kill();
    throw new Error(`pipebridge wrote no discovery file within ${timeoutMs} ms:\n${this.log()}`);
  }

  get token() { return this.discovery.token; }
  get wsUrl() { return this.discovery.endpoints["jsonrpc-ws"]; }
  get tcpAddress() { return this.discovery.endpoints["jsonrpc-tcp"]; }

  /** SIGTERM, and the exit once it happened (bounded). */
  async stop(timeoutMs = 15000) {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const exit = await within(this.exited, timeoutMs);
    if (!exit) await this.kill();
  }

  async kill() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Stops and starts again on the same ports with the same project store. */
  async restart() {
    await this.stop();
    return this.start();
  }

  async dispose() {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  log() {
    try { return readFileSync(this.logPath, "utf8"); } catch { return ""; }
  }

  #readDiscovery() {
    try { return JSON.parse(readFileSync(join(this.discoveryDir, "bridge.json"), "utf8")); } catch { return null; }
  }
}

function portOf(address) {
  return new URL(address.includes("://") ? address : `tcp://${address}`).port;
}

// The promise's value, or null when it takes longer than `ms` (the timer never outlives it).
function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
