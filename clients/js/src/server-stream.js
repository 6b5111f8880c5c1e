// A server-streaming call as an async iterator: `for await (const message of stream)`.
// The request goes out at once; messages queue until read. Leaving the loop early (break,
// return, throw) or calling cancel() sends $/cancelRequest and ends it quietly; an
// AbortSignal given with the call ends it with a CANCELLED error instead.

import { MessageQueue } from "./message-queue.js";

export class ServerStream {
  #queue = new MessageQueue();
  #stop = new AbortController();

  /**
   * `start(onMessage, signal)` sends the call and returns a promise that settles when the
   * server ends the stream; `signal` aborts when the reader stops early.
   */
  constructor(start) {
    start((message) => this.#queue.push(message), this.#stop.signal)
      .then(() => this.#queue.end(), (error) => this.#queue.end(error));
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    return this.#queue.next();
  }

  async return(value) {
    this.cancel();
    return { value, done: true };
  }

  /** Stops the stream: the server is told, what was queued is dropped, the loop ends. */
  cancel() {
    this.#queue.discard();
    this.#stop.abort();
  }
}
