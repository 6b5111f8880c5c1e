// AbortSignal helpers that work where AbortSignal.any does not exist (older UXP and CEP).

/** A signal that aborts when any of the given ones does (undefined entries are skipped). */
export function anySignal(...signals) {
  const present = signals.filter(Boolean);
  if (present.length === 1) return present[0];
  const merged = new AbortController();
  for (const signal of present) {
    if (signal.aborted) {
      merged.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => merged.abort(signal.reason), { once: true });
  }
  return merged.signal;
}
