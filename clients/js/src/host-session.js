// A host attached over JSON-RPC (docs/protocol.md, "Hosts over JSON-RPC"): it offers
// commands, runs the `host.invoke` requests the bridge sends it, stops one on `host.cancel`,
// and heartbeats to keep its lease. The bridge re-attaches it after every reconnect (the
// host then gets a new id: `info` and the bridge's "hostAttached" event tell it).

import { BridgeError, Code } from "./status.js";

const helloKeys = ["application", "applicationVersion", "pid", "sessionId", "user", "displayName", "commands"];
const commandKeys = ["name", "title", "description", "argsSchema", "resultSchema", "handler"];

export class HostSession {
  #bridge;
  #hello;
  #handlers = new Map();    // command name -> handler(args, invocation)
  #wireCommands = [];
  #hooks;
  #running = new Map();     // invocation id -> AbortController of its handler
  #heartbeat = undefined;
  #info = null;
  #leaseMs = null;
  #attaching = null;        // the host.attach in flight

  /**
   * `hello`: {application, applicationVersion, pid, sessionId, user, displayName, commands},
   * each command {name, title, description, argsSchema, resultSchema, handler}, where
   * `handler(args, invocation)` returns the result (or a promise of it) and throws a
   * BridgeError to fail with its code (anything else fails with UNKNOWN). `invocation` is
   * {invocationId, command, deadline (Date or null), callerHost, signal, progress(fraction,
   * message, data)}; `signal` aborts when the caller gives up or the connection drops.
   */
  constructor(bridge, hello, hooks) {
    if (hello === null || typeof hello !== "object" || Array.isArray(hello)) {
      throw invalid(`attachHost: expected {application, commands: [...], ...}, got ${JSON.stringify(hello)}`);
    }
    for (const key of Object.keys(hello)) {
      if (!helloKeys.includes(key)) throw invalid(`attachHost: unknown field "${key}"; known: ${helloKeys.join(", ")}`);
    }
    if (typeof hello.application !== "string" || hello.application === "") {
      throw invalid("attachHost: application: required, the application's name in lower case (\"photoshop\")");
    }
    const { commands = [], ...identity } = hello;
    this.#bridge = bridge;
    this.#hooks = hooks;
    this.#hello = { pid: defaultPid(), ...identity };
    this.#setCommands(commands, "attachHost: commands");
  }

  /** The Host record the bridge answered the last attach with; null while not attached. */
  get info() {
    return this.#info;
  }

  /** Milliseconds the bridge keeps this host without a heartbeat; null while not attached. */
  get leaseMs() {
    return this.#leaseMs;
  }

  /**
   * Sends host.attach on the current connection (used by attachHost and every reconnect);
   * while one is in flight, a second call shares it rather than attaching twice.
   */
  attach() {
    if (this.#attaching) return this.#attaching;
    const attaching = this.#bridge.call("host.attach", { ...this.#hello, commands: this.#wireCommands })
      .then((attached) => {
        this.#info = attached.host;
        this.#leaseMs = Number(attached.leaseMs);
        this.#startHeartbeat();
        this.#hooks.onAttached(this.#info);
        return this.#info;
      })
      .finally(() => { if (this.#attaching === attaching) this.#attaching = null; });
    this.#attaching = attaching;
    return attaching;
  }

  /** Replaces the commands offered (same shape as attachHost's). */
  async updateCommands(commands) {
    this.#setCommands(commands, "updateCommands");
    await this.#bridge.call("host.updateCommands", { commands: this.#wireCommands });
  }

  /** Stops being a host; the connection stays open for calls. */
  async detach() {
    clearInterval(this.#heartbeat);
    try {
      await this.#bridge.call("host.detach", {});
    } finally {
      this.#info = null;
      this.#hooks.onDetached();  // even when the call failed: a lost connection detached us
    }
  }

  /** Runs one `host.invoke`; its result or error is the answer to the bridge. */
  async invoke({ invocationId, command, args, deadline, callerHost }) {
    const handler = this.#handlers.get(command);
    if (!handler) throw new BridgeError(Code.UNIMPLEMENTED, `this host offers no command "${command}"`);
    const controller = new AbortController();
    this.#running.set(invocationId, controller);
    const deadlineDate = deadline ? new Date(deadline) : null;
    // The bridge sends host.cancel at the deadline too; this covers a connection gone quiet.
    const timer = deadlineDate ? setTimeout(() => controller.abort(new BridgeError(Code.DEADLINE_EXCEEDED, `${command}: the caller's deadline passed`)),
      Math.max(0, deadlineDate.getTime() - Date.now())) : undefined;
    // A handler that ignores its signal may never settle; its timer must not outlive the abort.
    controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    try {
      return await handler(args ?? {}, {
        invocationId,
        command,
        deadline: deadlineDate,
        callerHost: callerHost ?? "",
        signal: controller.signal,
        progress: (fraction = -1, message = "", data = {}) =>
          this.#bridge.notify("host.progress", { invocationId, fraction, message, data }),
      });
    } finally {
      clearTimeout(timer);
      this.#running.delete(invocationId);
    }
  }

  /** `host.cancel`: aborts the handler's signal; its late answer is ignored by the bridge. */
  cancel({ invocationId, reason }) {
    const code = reason === "deadline exceeded" ? Code.DEADLINE_EXCEEDED : Code.CANCELLED;
    this.#running.get(invocationId)?.abort(new BridgeError(code, `the caller gave up: ${reason || "cancelled"}`));
  }

  /** The connection dropped: every running handler is aborted, heartbeats stop. */
  connectionLost(error) {
    clearInterval(this.#heartbeat);
    this.#info = null;
    this.#attaching = null;  // an attach in flight died with the connection: the next one is sent anew
    for (const controller of this.#running.values()) controller.abort(error);
    this.#running.clear();
  }

  #setCommands(commands, where) {
    if (!Array.isArray(commands)) throw invalid(`${where}: expected an array of commands, got ${JSON.stringify(commands)}`);
    const handlers = new Map();
    const wire = commands.map((command, i) => {
      if (command === null || typeof command !== "object") throw invalid(`${where}[${i}]: expected {name, handler, ...}`);
      for (const key of Object.keys(command)) {
        if (!commandKeys.includes(key)) throw invalid(`${where}[${i}]: unknown field "${key}"; known: ${commandKeys.join(", ")}`);
      }
      const { handler, ...declared } = command;
      if (typeof declared.name !== "string" || declared.name === "") throw invalid(`${where}[${i}].name: required, a dotted name such as "photoshop.exportLayers"`);
      if (handlers.has(declared.name)) throw invalid(`${where}[${i}].name: "${declared.name}" is offered twice`);
      if (typeof handler !== "function") throw invalid(`${where}[${i}].handler: expected a function (args, invocation) => result`);
      handlers.set(declared.name, handler);
      return declared;
    });
    this.#handlers = handlers;
    this.#wireCommands = wire;
  }

  #startHeartbeat() {
    clearInterval(this.#heartbeat);
    // A third of the lease: two heartbeats may be lost before the bridge gives up on us.
    // (A bridge that names no lease gets one a minute.)
    const every = this.#leaseMs > 0 ? Math.min(Math.max(this.#leaseMs / 3, 1000), 60000) : 60000;
    this.#heartbeat = setInterval(() => {
      this.#bridge.call("host.heartbeat", {}).catch((error) => this.#hooks.onError(error));
    }, every);
  }
}

function defaultPid() {
  const pid = globalThis.process?.pid;
  return Number.isInteger(pid) ? pid : 0;
}

function invalid(message) {
  return new BridgeError(Code.INVALID_ARGUMENT, message);
}
