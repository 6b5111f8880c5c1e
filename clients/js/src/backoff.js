// Delays between reconnect attempts: exponential, capped, with jitter so that every panel
// of a workstation does not knock on a restarting bridge in the same millisecond.

import { BridgeError, Code } from "./status.js";

export const defaultBackoff = Object.freeze({ initialMs: 100, maxMs: 5000, multiplier: 2, jitter: 0.2 });

/** Checks a `reconnect` option: false, true (the defaults) or a partial defaultBackoff. */
export function backoffOptions(reconnect) {
  if (reconnect === false) return null;
  if (reconnect === true || reconnect === undefined) return defaultBackoff;
  if (typeof reconnect !== "object" || reconnect === null) {
    throw invalid(`reconnect: expected true, false or {initialMs, maxMs, multiplier, jitter}, got ${JSON.stringify(reconnect)}`);
  }
  const options = { ...defaultBackoff, ...reconnect };
  for (const key of Object.keys(reconnect)) {
    if (!(key in defaultBackoff)) throw invalid(`reconnect.${key}: unknown option; known: ${Object.keys(defaultBackoff).join(", ")}`);
  }
  if (!(options.initialMs > 0 && options.maxMs >= options.initialMs && options.multiplier >= 1 && options.jitter >= 0 && options.jitter < 1)) {
    throw invalid(`reconnect: need 0 < initialMs <= maxMs, multiplier >= 1, 0 <= jitter < 1; got ${JSON.stringify(options)}`);
  }
  return options;
}

/** The delay before reconnect attempt `attempt` (0 for the first). */
export function backoffDelay(options, attempt) {
  const base = Math.min(options.maxMs, options.initialMs * options.multiplier ** attempt);
  const spread = base * options.jitter;
  return Math.round(base - spread + Math.random() * 2 * spread);
}

function invalid(message) {
  return new BridgeError(Code.INVALID_ARGUMENT, message);
}
