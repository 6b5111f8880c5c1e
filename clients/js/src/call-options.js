// The per-call options (`{timeoutMs, signal}`) and the request object, checked before
// anything is sent, so that a mistake is reported where it was made and names what was wrong.

import { BridgeError, Code } from "./status.js";

// setTimeout cannot wait longer than this; a longer deadline is no deadline on our side
// (the server still caps every unary call at its maximum, 10 min by default).
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Returns {deadline, signal}: deadline is a Date.now() instant, Infinity for none.
 * `defaultTimeoutMs` applies when the call names none (Infinity for streams).
 */
export function checkCallOptions(method, options, defaultTimeoutMs) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object") {
    throw invalid(method, `options: expected an object such as {timeoutMs: 5000}, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== "timeoutMs" && key !== "signal") {
      throw invalid(method, `options.${key}: unknown option; known: timeoutMs, signal`);
    }
  }
  const { timeoutMs = defaultTimeoutMs, signal } = options;
  if (!(typeof timeoutMs === "number" && timeoutMs > 0)) {  // NaN fails here too
    throw invalid(method, `options.timeoutMs: expected a number of milliseconds > 0, got ${describe(timeoutMs)}`);
  }
  if (signal !== undefined && !(typeof signal?.aborted === "boolean" && typeof signal.addEventListener === "function")) {
    throw invalid(method, `options.signal: expected an AbortSignal, got ${describe(signal)}`);
  }
  const deadline = timeoutMs > MAX_TIMER_MS ? Infinity : Date.now() + timeoutMs;
  return { deadline, signal };
}

/** A request must be a plain JSON object: the server refuses by-position params. */
export function checkRequest(method, request) {
  if (request === undefined) return {};
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    throw invalid(method, `request: expected an object, got ${describe(request)}`);
  }
  return request;
}

/** The request with the deadline the server enforces too (`$meta.timeoutMs`). */
export function withDeadline(request, deadline) {
  if (deadline === Infinity) return request;
  return { ...request, $meta: { timeoutMs: Math.max(1, Math.ceil(deadline - Date.now())) } };
}

function invalid(method, message) {
  return new BridgeError(Code.INVALID_ARGUMENT, `${method}: ${message}`, { method });
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  if (typeof value === "string") return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
