// The messages of one server stream, handed to a `for await` loop in order: the transport
// pushes as they arrive, the reader pulls when it is ready. The stream's end or error is
// delivered after every message that came before it.

export class MessageQueue {
  #messages = [];
  #waiting = null;  // {resolve, reject} of a reader waiting for the next message
  #end = null;      // {error} once the stream is over (error undefined: ended normally)

  push(message) {
    if (this.#end) return;
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting.resolve({ value: message, done: false });
    } else {
      this.#messages.push(message);
    }
  }

  /** Ends the stream after the messages already queued; with an error, the reader gets it. */
  end(error) {
    if (this.#end) return;
    this.#end = { error };
    if (this.#waiting && this.#messages.length === 0) {
      const waiting = this.#waiting;
      this.#waiting = null;
      this.#settle(waiting);
    }
  }

  get ended() {
    return this.#end !== null;
  }

  /** Ends the stream now, dropping what was queued (the reader stopped). */
  discard() {
    this.#messages.length = 0;
    this.end();
  }

  next() {
    if (this.#messages.length > 0) return Promise.resolve({ value: this.#messages.shift(), done: false });
    if (this.#end) return new Promise((resolve, reject) => this.#settle({ resolve, reject }));
    return new Promise((resolve, reject) => { this.#waiting = { resolve, reject }; });
  }

  #settle({ resolve, reject }) {
    const { error } = this.#end;
    if (error) {
      this.#end = { error: undefined };  // an error is thrown once; then the stream is done
      reject(error);
    } else {
      resolve({ value: undefined, done: true });
    }
  }
}
