// `bridge.events.subscribe(request)`: the events as an async iterator that survives the
// connection. When the connection drops it waits for the bridge to reconnect and subscribes
// again after the last event it delivered (afterId), so no event is lost or repeated; it does
// the same when the server ends it with RESOURCE_EXHAUSTED for falling behind.
//
// A subscription that starts live (no afterId, no fromBeginning) and has delivered nothing
// yet has no id to resume from: it resumes live, and events of the gap are not replayed.

import { checkCallOptions, checkRequest } from "./call-options.js";
import { isConnectionLoss } from "./jsonrpc-channel.js";
import { SUBSCRIBE_METHOD } from "./naming.js";
import { anySignal } from "./signals.js";
import { BridgeError, Code } from "./status.js";

export class EventSubscription {
  #bridge;
  #request;
  #signal;
  #lastEventId = null;
  #stream = null;
  #stopped = new AbortController();  // return()/cancel(): end quietly
  #iterator;

  constructor(bridge, request, options) {
    this.#bridge = bridge;
    this.#request = checkRequest(SUBSCRIBE_METHOD, request);
    const { signal, deadline } = checkCallOptions(SUBSCRIBE_METHOD, options, Infinity);
    this.#signal = signal;
    // The request goes out now, not at the first next(): events published after subscribe()
    // returned reach a live subscription even if the loop starts later.
    this.#stream = this.#open(this.#request, deadline);
    this.#iterator = this.#run(deadline);
  }

  /** Id of the last event delivered (a string: event ids are int64), null before the first. */
  get lastEventId() {
    return this.#lastEventId;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    return this.#iterator.next();
  }

  /** Stops the subscription (a `for await` loop left early calls this). */
  async return(value) {
    this.cancel();
    return this.#iterator.return(value);
  }

  /** Stops the subscription: the server is told, a waiting loop ends. */
  cancel() {
    this.#stopped.abort();
    this.#stream?.cancel();
  }

  // `deadline` (Date.now() instant or Infinity) bounds the whole subscription, resumes included.
  async *#run(deadline) {
    for (;;) {
      try {
        for await (const message of this.#stream) {
          const event = message.event;
          if (this.#lastEventId !== null && BigInt(event.id) <= BigInt(this.#lastEventId)) continue;
          this.#lastEventId = event.id;
          yield event;
        }
        return;  // the server ended it, or cancel()
      } catch (error) {
        if (this.#stopped.signal.aborted) return;
        if (!this.#resumable(error)) throw error;
      } finally {
        this.#stream.cancel();
      }
      try {
        await this.#bridge.ready({ signal: anySignal(this.#signal, this.#stopped.signal) });
      } catch (error) {
        if (this.#stopped.signal.aborted) return;
        throw error;
      }
      this.#stream = this.#open(this.#resumeRequest(), deadline);
    }
  }

  #open(request, deadline) {
    const timeoutMs = deadline === Infinity ? undefined : deadline - Date.now();
    if (timeoutMs !== undefined && timeoutMs <= 0) {
      throw new BridgeError(Code.DEADLINE_EXCEEDED, `${SUBSCRIBE_METHOD}: deadline exceeded while resuming`, { method: SUBSCRIBE_METHOD });
    }
    return this.#bridge.stream(SUBSCRIBE_METHOD, request, { signal: this.#signal, timeoutMs });
  }

  #resumable(error) {
    if (error.code === Code.RESOURCE_EXHAUSTED) return true;  // fell behind: resume from lastEventId
    // Only a lost connection (an UNAVAILABLE the bridge answered would be retried in a tight
    // loop), and not one this client closed for good.
    return isConnectionLoss(error) && this.#bridge.state !== "closed";
  }

  #resumeRequest() {
    if (this.#lastEventId === null) return this.#request;
    const { afterId, after_id, fromBeginning, from_beginning, ...rest } = this.#request;
    return { ...rest, afterId: this.#lastEventId };
  }
}
