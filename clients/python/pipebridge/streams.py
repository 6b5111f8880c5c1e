"""Server streams as Python objects: iterate them, or have a callback called per message;
event subscriptions resume by themselves after the connection is lost.

    with bridge.events.subscribe(topics=["publish.created"]) as events:
        for message in events:            # blocks; events.next(timeout=5) bounds the wait
            print(message["event"]["id"])

    bridge.events.subscribe(topics=["entity.Shot.*"], callback=on_message)  # on a thread

A subscription that loses its connection (UNAVAILABLE) or falls behind (RESOURCE_EXHAUSTED)
subscribes again with after_id = the last event it delivered, with backoff, so no event is
lost or repeated. Other streams end with the error.
"""

import logging
import threading

import queue

from .backoff import Backoff
from .errors import BridgeError, Cancelled, ResourceExhausted, Unauthenticated, Unavailable

log = logging.getLogger("pipebridge")

_MESSAGE, _END = 0, 1
_RESUMABLE_ERRORS = (Unavailable, ResourceExhausted)


def resume_event_subscription(params, last_message):
    """Params that continue an EventService/Subscribe after last_message (None: nothing was
    delivered yet, so the original request is still right)."""
    if last_message is None:
        return params
    event_id = (last_message.get("event") or {}).get("id")
    if event_id in (None, "", "0", 0):
        return params
    resumed = {k: v for k, v in params.items()
               if k not in ("afterId", "after_id", "fromBeginning", "from_beginning")}
    resumed["afterId"] = str(event_id)
    return resumed


# Which streams resume themselves, and how they compute the params of the next attempt.
RESUMERS = {"pipebridge.v1.EventService/Subscribe": resume_event_subscription}


class Stream(object):
    """A server-streaming call. Thread-safe: messages arrive on the client's reader thread
    and are queued here (a consumer that never reads keeps them in memory; the server ends
    a subscriber that falls too far behind, and subscriptions then resume)."""

    def __init__(self, transport, method, params, timeout, closed_event,
                 callback=None, on_end=None, dispatcher=None, resume=True):
        self.method = method
        self._transport = transport
        self._params = params
        self._timeout = timeout
        self._client_closed = closed_event
        self._resumer = RESUMERS.get(method) if resume else None
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        self._handle = None
        self._cancelled = False
        self._ended = threading.Event()
        self._end_error = None
        self._generation = 0  # ignores the end of an attempt a resume already replaced
        self.last_message = None
        self.resumed = 0  # how many times this stream re-subscribed after a failure
        self._callback = callback
        self._on_end = on_end
        self._dispatcher = dispatcher
        self._open(params)
        if callback is not None:
            thread = threading.Thread(target=self._deliver_to_callback, name="pipebridge-stream-callback")
            thread.daemon = True
            thread.start()

    # -- consumer side ----------------------------------------------------------------

    def __iter__(self):
        if self._callback is not None:
            raise TypeError("this stream delivers to its callback; it cannot also be iterated")
        return self

    def __next__(self):
        return self.next()

    def next(self, timeout=None):
        """The next message. Raises StopIteration at the end (or after cancel()), the
        stream's BridgeError when it failed, TimeoutError when timeout seconds pass first."""
        try:
            kind, value = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("no message on %s within %ss" % (self.method, timeout))
        if kind == _MESSAGE:
            return value
        self._queue.put((kind, value))  # the end stays visible to every later next()
        if value is None:
            raise StopIteration
        raise value

    def cancel(self):
        """Ends the stream: the server is told ($/cancelRequest or gRPC cancel) and the
        consumer sees the end (StopIteration; on_end(None) for callbacks)."""
        with self._lock:
            if self._cancelled or self._ended.is_set():
                return
            self._cancelled = True
            handle = self._handle
        if handle is not None:
            handle.cancel()
        self._finish(None)

    close = cancel

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cancel()

    def wait(self, timeout=None):
        """Waits for the end; returns True when it ended within timeout."""
        return self._ended.wait(timeout)

    @property
    def done(self):
        return self._ended.is_set()

    @property
    def error(self):
        """The BridgeError that ended the stream, None while running or after a clean end."""
        return self._end_error

    @property
    def last_event_id(self):
        """For event subscriptions: the id of the last delivered event (a string, opaque)."""
        if self.last_message is None:
            return None
        return (self.last_message.get("event") or {}).get("id")

    # -- producer side ----------------------------------------------------------------

    def _open(self, params):
        with self._lock:
            self._generation += 1
            sink = _Sink(self, self._generation)
        handle = self._transport.open_stream(self.method, params, self._timeout, sink)
        with self._lock:
            self._handle = handle
            cancelled = self._cancelled
        if cancelled:
            handle.cancel()

    def _attempt_message(self, generation, message):
        with self._lock:
            if generation != self._generation or self._cancelled:
                return
            self.last_message = message
        self._queue.put((_MESSAGE, message))

    def _attempt_ended(self, generation, error):
        with self._lock:
            if generation != self._generation or self._cancelled:
                return
        # A bridge restarted with a new token refuses the old one until the client read the
        # new discovery file; a stream that authenticated before may retry through that.
        resumable = isinstance(error, _RESUMABLE_ERRORS) or (
            isinstance(error, Unauthenticated) and (self.last_message is not None or self.resumed))
        if self._resumer is not None and resumable and not self._client_closed.is_set():
            thread = threading.Thread(target=self._resume, name="pipebridge-stream-resume")
            thread.daemon = True
            thread.start()
            return
        self._finish(error)

    def _resume(self):
        """Re-subscribes after the last delivered message, with backoff, until it works, the
        stream is cancelled or the client closed. Runs on its own thread (never the reader)."""
        backoff = Backoff()
        while not self._cancelled and not self._client_closed.is_set():
            if self._client_closed.wait(backoff.next_delay()):
                break
            with self._lock:
                last = self.last_message
            try:
                self._open(self._resumer(self._params, last))
                self.resumed += 1
                log.info("pipebridge: %s resumed after event %s", self.method, self.last_event_id)
                return
            except (Unavailable, Unauthenticated):
                continue  # down, or restarting (its discovery file not rewritten yet)
            except BridgeError as error:
                self._finish(error)
                return
        self._finish(Cancelled("the client was closed", method=self.method))

    def _finish(self, error):
        with self._lock:
            if self._ended.is_set():
                return
            self._end_error = error
            self._ended.set()
        self._queue.put((_END, error))

    def _deliver_to_callback(self):
        while True:
            kind, value = self._queue.get()
            if kind == _END:
                if self._on_end is not None:
                    self._run_callback(self._on_end, value)
                return
            self._run_callback(self._callback, value)

    def _run_callback(self, function, argument):
        try:
            if self._dispatcher is not None:
                self._dispatcher.run(function, argument)
            else:
                function(argument)
        except Exception:  # a broken callback must not end the subscription
            log.exception("pipebridge: callback of %s failed", self.method)


class _Sink(object):
    """Receives one attempt's messages (on the reader thread) for a Stream."""

    __slots__ = ("_stream", "_generation")

    def __init__(self, stream, generation):
        self._stream, self._generation = stream, generation

    def on_message(self, message):
        self._stream._attempt_message(self._generation, message)

    def on_end(self, error):
        self._stream._attempt_ended(self._generation, error)
