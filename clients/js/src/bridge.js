// The client side of one bridge: a JSON-RPC connection that is re-established when it
// drops, calls with deadlines and cancellation, server streams, and the attached host.
// Services (`bridge.entities.find`) are added by services.js from the contract.

import { backoffDelay, backoffOptions } from "./backoff.js";
import { checkCallOptions, checkRequest, withDeadline } from "./call-options.js";
import { endpointResolver } from "./endpoint.js";
import { HostSession } from "./host-session.js";
import { JsonRpcChannel, openWebSocket } from "./jsonrpc-channel.js";
import { ServerStream } from "./server-stream.js";
import { addServices } from "./services.js";
import { anySignal } from "./signals.js";
import { BridgeError, Code } from "./status.js";

export const PROTOCOL_VERSION = 1;
export const CLIENT_VERSION = "0.1.0";
const DEADLINE_BACKSTOP_MS = 250;

const connectDefaults = Object.freeze({
  url: undefined,
  token: undefined,
  discoveryDir: undefined,
  WebSocket: undefined,
  client: undefined,
  timeoutMs: 30000,
  connectTimeoutMs: 5000,
  reconnect: true,
  contract: undefined,
});

export class Bridge {
  #config;
  #resolveEndpoint;
  #backoff;
  #channel = null;
  #state = "connecting";
  #lastError = null;
  #waiters = new Set();     // calls waiting for a connection
  #listeners = new Map();   // event name -> Set of listeners
  #host = null;             // the HostSession attached through this bridge
  #closing = new AbortController();

  /** What `$/initialize` answered: {server: {name, version}, protocolVersion, capabilities}. */
  serverInfo = null;
  /** The contract in the rpc.discover shape (from the server, or as given to connect()). */
  contract = null;

  /** Use connect(); the constructor only checks options. */
  constructor(options) {
    if (options === null || typeof options !== "object") {
      throw new BridgeError(Code.INVALID_ARGUMENT, `connect: expected an options object, got ${options === null ? "null" : typeof options}`);
    }
    for (const key of Object.keys(options)) {
      if (!(key in connectDefaults)) {
        throw new BridgeError(Code.INVALID_ARGUMENT, `connect: unknown option "${key}"; known: ${Object.keys(connectDefaults).join(", ")}`);
      }
    }
    const config = { ...connectDefaults, ...options };
    config.WebSocket ??= globalThis.WebSocket;
    if (typeof config.WebSocket !== "function") {
      throw new BridgeError(Code.FAILED_PRECONDITION,
        "connect: this runtime has no global WebSocket; pass one, e.g. connect({ WebSocket }) with `import WebSocket from \"ws\"` in Node before 22");
    }
    for (const key of ["timeoutMs", "connectTimeoutMs"]) {
      if (!(typeof config[key] === "number" && config[key] > 0)) {
        throw new BridgeError(Code.INVALID_ARGUMENT, `connect: ${key}: expected a number of milliseconds > 0, got ${JSON.stringify(config[key])}`);
      }
    }
    const { client } = config;
    if (client !== undefined && (client === null || typeof client !== "object" ||
        Object.entries(client).some(([key, value]) => !["name", "version"].includes(key) || typeof value !== "string"))) {
      throw new BridgeError(Code.INVALID_ARGUMENT, `connect: client: expected {name, version} strings, got ${JSON.stringify(client)}`);
    }
    config.client = { name: "pipebridge-js", version: CLIENT_VERSION, ...client };
    this.#config = config;
    this.#backoff = backoffOptions(config.reconnect);
    this.#resolveEndpoint = endpointResolver(config);
  }

  /** "connecting", "ready", "reconnecting" or "closed". */
  get state() {
    return this.#state;
  }

  /**
   * Listens to `"state"` (state, error), `"hostAttached"` (Host, after every attach and
   * re-attach) and `"error"` (a failure in the background: a re-attach or heartbeat that
   * failed). Returns a function that removes the listener.
   */
  on(event, listener) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  /** What connect() does (see pipebridge.js): the first connection, the contract, the services. */
  static async connect(options = {}) {
    const bridge = new Bridge(options);
    try {
      const { channel, serverInfo } = await bridge.#open();
      bridge.#becameReady(channel, serverInfo);
      bridge.contract = bridge.#config.contract ?? await bridge.#discover();
      addServices(bridge, bridge.contract);
    } catch (error) {
      bridge.close();
      throw error;
    }
    return bridge;
  }

  /**
   * Calls a unary method by its full name ("pipebridge.v1.EntityService/Find").
   * options: `timeoutMs` (default: connect's timeoutMs) also bounds waiting for a
   * reconnection; `signal` cancels. Resolves with the result, rejects with a BridgeError.
   */
  async call(method, request, options) {
    if (typeof method !== "string" || method === "") {
      throw new BridgeError(Code.INVALID_ARGUMENT, `call: method must be a full method name such as "pipebridge.v1.BridgeService/Ping", got ${JSON.stringify(method)}`);
    }
    const params = checkRequest(method, request);
    const { deadline, signal } = checkCallOptions(method, options, this.#config.timeoutMs);
    const channel = await this.#connection(method, deadline, signal);
    const sent = isContractMethod(method) ? withDeadline(params, deadline) : params;
    return this.#send(channel, method, sent, { deadline, signal });
  }

  /**
   * Calls a server-streaming method; returns an async iterator of its messages.
   * Without `timeoutMs` the stream has no deadline. It does not outlive its connection:
   * a drop ends it with UNAVAILABLE (events.subscribe() resumes instead).
   */
  stream(method, request, options) {
    const params = checkRequest(method, request);
    const { deadline, signal } = checkCallOptions(method, options, Infinity);
    return new ServerStream(async (onMessage, stopSignal) => {
      const stop = anySignal(signal, stopSignal);
      const channel = await this.#connection(method, deadline, stop);
      await this.#send(channel, method, withDeadline(params, deadline), { deadline, signal: stop, onMessage });
    });
  }

  /** Sends a JSON-RPC notification (e.g. host.progress); dropped while not connected. */
  notify(method, params) {
    this.#channel?.notify(method, checkRequest(method, params));
  }

  /**
   * Resolves once connected (at once when already), within `timeoutMs` if given;
   * rejects when the bridge is closed or `signal` aborts.
   */
  ready({ timeoutMs, signal } = {}) {
    const deadline = timeoutMs === undefined ? Infinity : checkCallOptions("ready", { timeoutMs }, Infinity).deadline;
    return this.#connection("ready", deadline, signal).then(() => undefined);
  }

  /**
   * Attaches this connection as a host offering `commands` (see host-session.js); re-attached
   * after every reconnect. One host per bridge connection: connect() again for another.
   */
  async attachHost(hello) {
    if (this.#host) {
      throw new BridgeError(Code.FAILED_PRECONDITION, "attachHost: this bridge connection already has a host attached; detach it, or connect() again for a second host");
    }
    const host = new HostSession(this, hello, {
      onAttached: (info) => this.#emit("hostAttached", info),
      onError: (error) => this.#emit("error", error),
      onDetached: () => { if (this.#host === host) this.#host = null; },
    });
    this.#host = host;
    try {
      await host.attach();
    } catch (error) {
      this.#host = null;
      throw error;
    }
    return host;
  }

  /** Closes the connection for good: pending calls fail with UNAVAILABLE, nothing reconnects. */
  close() {
    if (this.#state === "closed") return;
    this.#closing.abort();
    this.#setState("closed", null);
    const channel = this.#channel;
    this.#channel = null;
    channel?.close(1000, "client closed");
    this.#host?.connectionLost(new BridgeError(Code.UNAVAILABLE, "the bridge connection was closed by this client"));
    this.#failWaiters(new BridgeError(Code.UNAVAILABLE, "the bridge connection was closed by this client"));
  }

  async #open() {
    const { url, token } = await this.#resolveEndpoint();
    const socket = await openWebSocket(this.#config.WebSocket, url, { timeoutMs: this.#config.connectTimeoutMs });
    let channel;
    channel = new JsonRpcChannel(socket, {
      onRequest: (method, params) => this.#serveRequest(method, params),
      onNotification: (method, params) => this.#serveNotification(method, params),
      onClose: (error) => this.#lost(channel, error),
    });
    try {
      const serverInfo = await this.#send(channel, "$/initialize",
        { token, client: this.#config.client, protocolVersion: PROTOCOL_VERSION },
        { deadline: Date.now() + this.#config.connectTimeoutMs });
      if (serverInfo?.protocolVersion !== PROTOCOL_VERSION) {
        throw new BridgeError(Code.FAILED_PRECONDITION, `the bridge at ${url} speaks protocol version ${serverInfo?.protocolVersion}; this client speaks ${PROTOCOL_VERSION}`);
      }
      return { channel, serverInfo };
    } catch (error) {
      channel.close(1000, "handshake failed");
      throw error;
    }
  }

  async #discover() {
    try {
      return await this.call("rpc.discover", {}, { timeoutMs: this.#config.connectTimeoutMs });
    } catch (error) {
      if (error.code !== Code.UNIMPLEMENTED) throw error;
      throw new BridgeError(Code.UNIMPLEMENTED,
        "this bridge does not answer rpc.discover, so its methods are unknown; update the bridge, or pass connect({ contract }) from the generated pipebridge-contract.js",
        { cause: error });
    }
  }

  #becameReady(channel, serverInfo) {
    this.#channel = channel;
    this.serverInfo = serverInfo;
    this.#setState("ready", null);
    for (const waiter of [...this.#waiters]) waiter.resolve(channel);
    // Re-attach in the background: calls and subscriptions need not wait for it.
    this.#host?.attach().catch((error) => this.#emit("error", error));
  }

  #lost(channel, error) {
    if (channel !== this.#channel) return;  // a handshake that failed, or after close()
    this.#channel = null;
    this.#host?.connectionLost(error);
    if (!this.#backoff) {
      this.#setState("closed", error);
      this.#failWaiters(error);
      return;
    }
    this.#setState("reconnecting", error);
    this.#reconnect();
  }

  async #reconnect() {
    for (let attempt = 0; ; attempt++) {
      try {
        await sleep(backoffDelay(this.#backoff, attempt), this.#closing.signal);
        const { channel, serverInfo } = await this.#open();
        if (this.#state === "closed") {
          channel.close(1000, "client closed");
          return;
        }
        this.#becameReady(channel, serverInfo);
        return;
      } catch (error) {
        if (this.#state === "closed") return;
        this.#lastError = error;
        this.#emit("state", this.#state, error);  // each failed attempt, with its reason
      }
    }
  }

  // Resolves with the open channel, waiting for a reconnection if needed, until `deadline`.
  #connection(method, deadline, signal) {
    if (this.#channel) return Promise.resolve(this.#channel);
    if (this.#state === "closed") {
      return Promise.reject(new BridgeError(Code.UNAVAILABLE, `${method}: the bridge connection is closed${this.#lastError ? ` (${this.#lastError.rawMessage})` : ""}`, { method }));
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (channel) => { done(); resolve(channel); },
        reject: (error) => { done(); reject(error); },
      };
      const onAbort = () => waiter.reject(cancelled(method, signal));
      const timer = deadline === Infinity ? undefined : setTimeout(() => waiter.reject(new BridgeError(Code.DEADLINE_EXCEEDED,
        `${method}: no connection to the bridge before the deadline${this.#lastError ? ` (last attempt: ${this.#lastError.rawMessage})` : ""}`, { method })),
        Math.max(0, deadline - Date.now()));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(waiter);
      };
      if (signal?.aborted) { onAbort(); return; }
      signal?.addEventListener("abort", onAbort);
      this.#waiters.add(waiter);
    });
  }

  // Sends one request on `channel` and settles with its answer, or with DEADLINE_EXCEEDED
  // / CANCELLED on our side (then $/cancelRequest tells the server to stop as well).
  #send(channel, method, params, { deadline, signal, onMessage }) {
    if (signal?.aborted) return Promise.reject(cancelled(method, signal));
    const { id, promise } = channel.request(method, params, { onStreamMessage: onMessage });
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const giveUp = (error) => {
        cleanup();
        channel.forget(id);
        channel.notify("$/cancelRequest", { id });
        reject(error);
      };
      const onAbort = () => giveUp(cancelled(method, signal));
      // The server enforces deadlines of contract methods ($meta) and answers at once, so our
      // timer is only a backstop for a connection gone quiet: it fires a little later, and
      // the server's answer (and its host.cancel "deadline exceeded" to a host) comes first.
      const grace = isContractMethod(method) ? DEADLINE_BACKSTOP_MS : 0;
      const timer = deadline === Infinity ? undefined : setTimeout(
        () => giveUp(new BridgeError(Code.DEADLINE_EXCEEDED, `${method}: deadline exceeded (no answer from the bridge)`, { method })),
        Math.max(0, deadline + grace - Date.now()));
      signal?.addEventListener("abort", onAbort);
      promise.then((result) => { cleanup(); resolve(result); }, (error) => { cleanup(); reject(error); });
    });
  }

  async #serveRequest(method, params) {
    if (method === "host.invoke" && this.#host) return this.#host.invoke(params);
    throw new BridgeError(Code.UNIMPLEMENTED, `this client serves no "${method}"${method === "host.invoke" ? " (no host is attached)" : ""}`);
  }

  #serveNotification(method, params) {
    if (method === "host.cancel") this.#host?.cancel(params);
  }

  #failWaiters(error) {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }

  #setState(state, error) {
    this.#state = state;
    if (error) this.#lastError = error;
    this.#emit("state", state, error);
  }

  #emit(event, ...args) {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        // A listener's bug must not break the connection; report it where it can be seen.
        if (event !== "error") this.#emit("error", error);
      }
    }
  }
}

// Methods of the contract carry `$meta`; the protocol's own ($/..., rpc.*, host.*) do not.
function isContractMethod(method) {
  return method.includes("/") && !method.startsWith("$/");
}

function cancelled(method, signal) {
  const reason = signal?.reason;
  const why = reason instanceof Error ? `: ${reason.message}` : (typeof reason === "string" ? `: ${reason}` : "");
  return new BridgeError(Code.CANCELLED, `${method}: cancelled by the caller${why}`, { method, cause: reason });
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const timer = setTimeout(() => { signal.removeEventListener("abort", onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason); };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
