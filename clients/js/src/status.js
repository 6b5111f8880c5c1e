// gRPC status codes and the one error type every failure of this client is reported as.
// A failed call keeps the code the server gave it, whatever transport carried it, so a
// panel can branch on `error.code === Code.NOT_FOUND` exactly as a gRPC client would.

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const Code = Object.freeze({
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
});

const codeNames = Object.fromEntries(Object.entries(Code).map(([name, code]) => [code, name]));

/** The name of a gRPC status code ("NOT_FOUND"), or undefined for a number that is none. */
export function codeName(code) {
  return codeNames[code];
}

/**
 * A call, stream, connection or host command that failed.
 * `code` is the gRPC status code (a `Code` value), `status` its name, `rawMessage` the
 * server's message as sent, `details` the status details, `method` the call that failed.
 * `jsonRpcCode` is set when the server refused the request before it reached a handler
 * (-32700 .. -32600: a protocol error; the gRPC code then comes from `error.data.status`).
 */
export class BridgeError extends Error {
  constructor(code, message, { method, details = [], jsonRpcCode, cause } = {}) {
    super(`[${codeName(code) ?? code}] ${message}`, cause === undefined ? undefined : { cause });
    this.name = "BridgeError";
    this.code = code;
    this.status = codeName(code) ?? "UNKNOWN";
    this.rawMessage = message;
    this.details = details;
    this.method = method;
    this.jsonRpcCode = jsonRpcCode;
  }
}

// Only for a server that sent no `error.data.status` (every pipebridge error has one): the
// JSON-RPC protocol codes as the adapter maps them (adapters/jsonrpc/jsonrpc_errors.cc).
function codeOfProtocolError(jsonRpcCode) {
  switch (jsonRpcCode) {
    case -32700: return Code.INVALID_ARGUMENT;  // parse error
    case -32600: return Code.INVALID_ARGUMENT;  // invalid request
    case -32601: return Code.UNIMPLEMENTED;     // method not found
    case -32602: return Code.INVALID_ARGUMENT;  // invalid params
    default: return Code.INTERNAL;              // -32603 and anything unknown
  }
}

/** The BridgeError for a JSON-RPC `error` object received as the answer to `method`. */
export function errorFromJsonRpc(error, method) {
  const jsonRpcCode = Number.isInteger(error?.code) ? error.code : undefined;
  const named = Code[error?.data?.status];
  let code;
  if (named !== undefined) code = named;
  else if (jsonRpcCode >= 1 && jsonRpcCode <= 16) code = jsonRpcCode;
  else code = codeOfProtocolError(jsonRpcCode);
  const message = typeof error?.message === "string" ? error.message : "the bridge sent an error without a message";
  return new BridgeError(code, message, {
    method,
    details: Array.isArray(error?.data?.details) ? error.data.details : [],
    jsonRpcCode: jsonRpcCode !== undefined && jsonRpcCode < 0 ? jsonRpcCode : undefined,
  });
}

/**
 * The JSON-RPC `error` object a host sends back for a command that threw: a BridgeError
 * keeps its code; anything else is UNKNOWN, as a gRPC server reports an unexpected exception.
 */
export function jsonRpcErrorFrom(thrown) {
  if (thrown instanceof BridgeError) {
    return { code: thrown.code, message: thrown.rawMessage, data: { status: thrown.status, details: thrown.details } };
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: Code.UNKNOWN, message, data: { status: "UNKNOWN", details: [] } };
}
