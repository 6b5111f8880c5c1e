// The generic part of pipebridge.d.ts: the client's own API, the same for every contract.
// tools/generate-types.js copies it ahead of the declarations it generates from the
// contract (message types, one interface per service, connect()).

/** Any JSON value (google.protobuf.Value). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object (google.protobuf.Struct). */
export type JsonObject = { [key: string]: JsonValue };

/** gRPC status codes. */
export declare const Code: {
  readonly OK: 0; readonly CANCELLED: 1; readonly UNKNOWN: 2; readonly INVALID_ARGUMENT: 3;
  readonly DEADLINE_EXCEEDED: 4; readonly NOT_FOUND: 5; readonly ALREADY_EXISTS: 6;
  readonly PERMISSION_DENIED: 7; readonly RESOURCE_EXHAUSTED: 8; readonly FAILED_PRECONDITION: 9;
  readonly ABORTED: 10; readonly OUT_OF_RANGE: 11; readonly UNIMPLEMENTED: 12; readonly INTERNAL: 13;
  readonly UNAVAILABLE: 14; readonly DATA_LOSS: 15; readonly UNAUTHENTICATED: 16;
};
export type CodeValue = (typeof Code)[keyof typeof Code];
export type StatusName = keyof typeof Code;

/** The name of a gRPC status code, or undefined for a number that is none. */
export declare function codeName(code: number): StatusName | undefined;

/** Every failure: a call, a stream, the connection, or a host command. */
export declare class BridgeError extends Error {
  constructor(code: CodeValue, message: string, options?: { method?: string; details?: JsonValue[]; jsonRpcCode?: number; cause?: unknown });
  readonly name: "BridgeError";
  /** The gRPC status code. */
  readonly code: CodeValue;
  /** Its name, e.g. "NOT_FOUND". */
  readonly status: StatusName;
  /** The server's message as sent (`message` is prefixed with the status). */
  readonly rawMessage: string;
  readonly details: JsonValue[];
  /** The full method name of the failed call, when a call failed. */
  readonly method: string | undefined;
  /** -32700 .. -32600 when the server refused the request before any handler ran. */
  readonly jsonRpcCode: number | undefined;
}

export interface CallOptions {
  /** Deadline in milliseconds (unary default: connect's timeoutMs; streams: none). */
  timeoutMs?: number;
  /** Cancels the call: it rejects with CANCELLED and the server is told ($/cancelRequest). */
  signal?: AbortSignal;
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  multiplier?: number;
  jitter?: number;
}

/** What a WebSocket constructor must be: the browser's, UXP's, or Node's `ws`. */
export type WebSocketConstructor = new (url: string) => {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
};

export interface ConnectOptions {
  /** The bridge's "jsonrpc-ws" endpoint, e.g. "ws://127.0.0.1:47732/rpc" (UXP, browsers). */
  url?: string;
  /** The token of the bridge's discovery file; required with url. A function is asked again
   * before every reconnect (a restarted bridge has a new token). */
  token?: string | (() => string | Promise<string>);
  /** Folder of bridge.json when url is not given (Node, CEP). */
  discoveryDir?: string;
  /** Where there is no global WebSocket (Node before 22): e.g. `ws`'s default export. */
  WebSocket?: WebSocketConstructor;
  /** Announced to the bridge in $/initialize. */
  client?: { name?: string; version?: string };
  /** Default deadline of unary calls, ms (30000). */
  timeoutMs?: number;
  /** Bound on opening the socket plus the handshake, ms (5000). */
  connectTimeoutMs?: number;
  /** Reconnect with backoff after a drop (default true). */
  reconnect?: boolean | BackoffOptions;
  /** The contract (generated pipebridge-contract.js); skips rpc.discover. */
  contract?: Contract;
}

/** The rpc.discover document (schemas are optional here). */
export interface Contract {
  protocolVersion: number;
  services: Array<{
    name: string;
    description?: string;
    methods: Array<{
      name: string; method: string; kind: "unary" | "server_streaming" | "bidi_streaming";
      request: string; response: string; description?: string;
    }>;
  }>;
  schemas?: { [fullName: string]: JsonObject };
}

/** A server stream: `for await (const message of stream)`; break or cancel() stops it. */
export interface ServerStream<T> extends AsyncIterableIterator<T> {
  cancel(): void;
}

/** events.subscribe(): resumes after a reconnect from the last event delivered. */
export interface EventSubscription<E> extends AsyncIterableIterator<E> {
  /** Id of the last event delivered (int64 as a string), null before the first. */
  readonly lastEventId: string | null;
  cancel(): void;
}

/** What a command handler gets besides its arguments. */
export interface InvocationContext {
  invocationId: string;
  command: string;
  /** When the caller stops waiting; null when it set no deadline. */
  deadline: Date | null;
  /** Host id of the caller when it is itself a host, else "". */
  callerHost: string;
  /** Aborts when the caller gives up (host.cancel) or the connection drops. */
  signal: AbortSignal;
  /** Reports progress to InvokeStream callers; fraction 0..1, or -1 when unknown. */
  progress(fraction?: number, message?: string, data?: JsonObject): void;
}

export interface HostCommand {
  /** Dotted name, e.g. "photoshop.exportLayers". */
  name: string;
  title?: string;
  description?: string;
  /** JSON Schema the bridge checks arguments against before the host sees them. */
  argsSchema?: JsonObject;
  resultSchema?: JsonObject;
  /** Returns the result; throw a BridgeError to fail with its code (else UNKNOWN). */
  handler(args: JsonObject, invocation: InvocationContext): JsonValue | void | Promise<JsonValue | void>;
}

export interface AttachHostOptions {
  /** Lower case: "photoshop", "maya", "unity". */
  application: string;
  applicationVersion?: string;
  pid?: number;
  sessionId?: string;
  user?: string;
  displayName?: string;
  commands?: HostCommand[];
}

export declare class HostSession {
  /** The Host record of the last attach (a reconnect assigns a new id); null when not attached. */
  readonly info: HostInfo | null;
  readonly leaseMs: number | null;
  updateCommands(commands: HostCommand[]): Promise<void>;
  detach(): Promise<void>;
}

export type BridgeState = "connecting" | "ready" | "reconnecting" | "closed";

export declare class Bridge {
  /** What $/initialize answered. */
  readonly serverInfo: { server: { name: string; version: string }; protocolVersion: number; capabilities: string[] };
  readonly contract: Contract;
  readonly state: BridgeState;
  /** Any unary method by full name, e.g. "pipebridge.v1.BridgeService/Ping". */
  call(method: string, request?: JsonObject, options?: CallOptions): Promise<any>;
  /** Any server-streaming method by full name. */
  stream(method: string, request?: JsonObject, options?: CallOptions): ServerStream<any>;
  notify(method: string, params?: JsonObject): void;
  ready(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
  /** Offers commands to every other client; re-attached after each reconnect. */
  attachHost(options: AttachHostOptions): Promise<HostSession>;
  on(event: "state", listener: (state: BridgeState, error: BridgeError | null) => void): () => void;
  on(event: "hostAttached", listener: (host: HostInfo) => void): () => void;
  on(event: "error", listener: (error: Error) => void): () => void;
  close(): void;
}

export declare const PROTOCOL_VERSION: 1;
export declare const CLIENT_VERSION: string;
