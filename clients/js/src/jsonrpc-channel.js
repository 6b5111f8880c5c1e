// One JSON-RPC 2.0 connection over one WebSocket (adapters/jsonrpc/README.md): requests
// with their answers, `$/stream` messages routed to the stream they belong to, and the
// requests and notifications the server sends to us (host.invoke, host.cancel).
// It knows nothing of reconnecting, deadlines or services: bridge.js does.

import { BridgeError, Code, errorFromJsonRpc, jsonRpcErrorFrom } from "./status.js";

const OPEN = 1;  // WebSocket.OPEN, read as a number: not every implementation has the static

// The errors that mean "the connection is gone" (not an answer of the bridge), whenever
// they are read: a stream read after the reconnect still knows why it ended.
const connectionLosses = new WeakSet();

/** True for the error a call or stream failed with because its connection closed. */
export function isConnectionLoss(error) {
  return connectionLosses.has(error);
}

/**
 * Opens a WebSocket and resolves once it is open.
 * Rejects with UNAVAILABLE when it closes first or does not open within `timeoutMs`.
 */
export function openWebSocket(WebSocketImpl, url, { timeoutMs }) {
  return new Promise((resolve, reject) => {
    let socket;
    try {
      socket = new WebSocketImpl(url);
    } catch (error) {
      reject(new BridgeError(Code.UNAVAILABLE, `cannot open a WebSocket to ${url}: ${error.message}`, { cause: error }));
      return;
    }
    const fail = (why) => {
      clearTimeout(timer);
      socket.removeEventListener("open", onOpen);
      socket.removeEventListener("close", onClose);
      try { socket.close(); } catch { /* already closing */ }
      reject(new BridgeError(Code.UNAVAILABLE, `cannot reach the bridge at ${url}: ${why}`));
    };
    const onOpen = () => {
      clearTimeout(timer);
      socket.removeEventListener("close", onClose);
      resolve(socket);
    };
    // A refused connection, a 401 or a 403 on the upgrade all end here; browsers do not
    // tell which, so the message cannot either.
    const onClose = (event) => fail(`the connection closed before it opened (code ${event.code})`);
    const timer = setTimeout(() => fail(`it did not open within ${timeoutMs} ms`), timeoutMs);
    socket.addEventListener("open", onOpen);
    socket.addEventListener("close", onClose);
    // A close event always follows an error event and says what is needed; the listener
    // only keeps EventEmitter-based sockets (Node's `ws`) from throwing the error.
    socket.addEventListener("error", () => {});
  });
}

export class JsonRpcChannel {
  #socket;
  #nextId = 1;
  #pending = new Map();  // request id -> {method, resolve, reject, onStreamMessage}
  #handlers;
  #closeError = null;

  /**
   * `socket` is an open WebSocket. `handlers.onRequest(method, params)` answers a server
   * request (its result or a thrown error becomes the response); `handlers.onNotification
   * (method, params)` takes server notifications; `handlers.onClose(error)` runs once when
   * the connection is gone, after every pending request was failed with that error.
   */
  constructor(socket, handlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.addEventListener("message", (event) => this.#receive(event.data));
    socket.addEventListener("close", (event) => this.#closed(event));
  }

  get isOpen() {
    return this.#closeError === null;
  }

  /**
   * Sends a request. Returns its id and a promise of its result; a stream's messages go to
   * `onStreamMessage` before the promise settles. Rejects with a BridgeError.
   */
  request(method, params, { onStreamMessage } = {}) {
    const id = this.#nextId++;
    const promise = new Promise((resolve, reject) => {
      if (this.#closeError) {
        reject(this.#closeError);
        return;
      }
      this.#pending.set(id, { method, resolve, reject, onStreamMessage });
      this.#send({ jsonrpc: "2.0", id, method, params });
    });
    return { id, promise };
  }

  /** Sends a notification; does nothing once the connection is closed. */
  notify(method, params) {
    if (!this.#closeError) this.#send({ jsonrpc: "2.0", method, params });
  }

  /** Stops waiting for a request's answer; later messages for it are dropped. */
  forget(id) {
    this.#pending.delete(id);
  }

  close(code = 1000, reason = "client closed") {
    try { this.#socket.close(code, reason); } catch { /* already closed */ }
  }

  #send(message) {
    if (this.#socket.readyState !== OPEN) return;  // the close event fails what is pending
    this.#socket.send(JSON.stringify(message));
  }

  #receive(data) {
    if (typeof data !== "string") {
      this.#protocolFailure("the bridge sent a binary WebSocket message");
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      this.#protocolFailure("the bridge sent a message that is not JSON");
      return;
    }
    for (const one of Array.isArray(message) ? message : [message]) this.#dispatch(one);
  }

  #dispatch(message) {
    if (message === null || typeof message !== "object") return;
    if (typeof message.method === "string") {
      if (message.id !== undefined) this.#answerServerRequest(message);
      else if (message.method === "$/stream") this.#routeStreamMessage(message.params);
      else this.#handlers.onNotification?.(message.method, message.params ?? {});
      return;
    }
    const call = this.#pending.get(message.id);
    if (!call) return;  // answered after we stopped waiting (deadline, cancel)
    this.#pending.delete(message.id);
    if (message.error !== undefined) call.reject(errorFromJsonRpc(message.error, call.method));
    else call.resolve(message.result);
  }

  #routeStreamMessage(params) {
    const call = this.#pending.get(params?.id);
    if (call?.onStreamMessage) call.onStreamMessage(params.message);
  }

  async #answerServerRequest({ id, method, params }) {
    let reply;
    try {
      const result = await this.#handlers.onRequest(method, params ?? {});
      reply = { jsonrpc: "2.0", id, result: result === undefined ? null : result };
    } catch (error) {
      reply = { jsonrpc: "2.0", id, error: jsonRpcErrorFrom(error) };
    }
    let text;
    try {
      text = JSON.stringify(reply);
    } catch (error) {
      // A result JSON cannot carry (a BigInt, a cycle) fails this one request; it must not
      // throw out of the socket's message handler.
      text = JSON.stringify({ jsonrpc: "2.0", id,
        error: jsonRpcErrorFrom(new BridgeError(Code.INTERNAL, `${method}: the result is not JSON: ${error.message}`)) });
    }
    if (!this.#closeError && this.#socket.readyState === OPEN) this.#socket.send(text);
  }

  #protocolFailure(why) {
    this.#closeError = new BridgeError(Code.INTERNAL, why);
    this.close(1002, "protocol error");
  }

  #closed(event) {
    if (!this.#closeError) {
      this.#closeError = new BridgeError(Code.UNAVAILABLE,
        `the connection to the bridge closed (code ${event.code}${event.reason ? `: ${event.reason}` : ""})`);
      connectionLosses.add(this.#closeError);
    }
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(this.#closeError);
    this.#handlers.onClose?.(this.#closeError);
  }
}
