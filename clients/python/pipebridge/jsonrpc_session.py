"""One JSON-RPC 2.0 connection to the bridge (TCP lines or WebSocket) with one reader thread
that demultiplexes everything the server sends:

- responses, routed to the waiting call by id;
- `$/stream` notifications, routed to the stream opened by that request id;
- server -> client requests and notifications (`host.invoke`, `host.cancel`), handed to the
  registered server handler.

Calls from any number of threads run concurrently on the one connection. Nothing the reader
thread calls may block on the bridge (it would wait for a message only the reader can read):
stream sinks and server handlers must hand work to another thread.
"""

import itertools
import json
import logging
import threading

from .errors import Cancelled, DeadlineExceeded, Unavailable, from_jsonrpc_error

log = logging.getLogger("pipebridge")

# How long past its deadline a call waits for the server's own DEADLINE_EXCEEDED answer
# before giving up locally (the server answers at the deadline; this covers a hung server).
LOCAL_DEADLINE_GRACE = 2.0


class _UnaryCall(object):
    __slots__ = ("method", "done", "result", "error")

    def __init__(self, method):
        self.method = method
        self.done = threading.Event()
        self.result = None
        self.error = None

    def finish(self, result=None, error=None):
        if not self.done.is_set():  # the first outcome wins (close vs. a late answer)
            self.result, self.error = result, error
            self.done.set()


class _StreamCall(object):
    """A server-streaming call: sink.on_message(message) per `$/stream`, then exactly one
    sink.on_end(error_or_None)."""

    __slots__ = ("method", "sink", "ended")

    def __init__(self, method, sink):
        self.method = method
        self.sink = sink
        self.ended = False

    def finish(self, result=None, error=None):
        if not self.ended:
            self.ended = True
            self.sink.on_end(error)


class StreamHandle(object):
    """What open_stream returns: cancel() sends $/cancelRequest; the server then ends the
    stream with CANCELLED, which reaches the sink's on_end."""

    def __init__(self, session, request_id):
        self._session = session
        self.request_id = request_id

    def cancel(self):
        self._session.cancel_request(self.request_id)


class JsonRpcSession(object):
    def __init__(self, channel, name="pipebridge"):
        self._channel = channel
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._calls = {}
        self._closed_error = None
        self._close_listeners = []
        # server_handler(method, params, request_id): request_id is None for notifications.
        self.server_handler = None
        self._reader = threading.Thread(target=self._read_loop, name=name + "-reader")
        self._reader.daemon = True

    def start(self):
        self._reader.start()
        return self

    @property
    def alive(self):
        return self._closed_error is None

    def add_close_listener(self, listener):
        """listener(error) runs once, on the reader thread, when the connection ends. Runs at
        once if it already ended."""
        with self._lock:
            if self._closed_error is None:
                self._close_listeners.append(listener)
                return
            error = self._closed_error
        listener(error)

    # -- client -> server -------------------------------------------------------------

    def call(self, method, params, timeout):
        """Sends a request and waits for its answer: the result, or raises the mapped
        BridgeError. timeout (seconds) bounds the wait; None waits as long as the server."""
        call = _UnaryCall(method)
        request_id = self._register(call)
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        wait = None if timeout is None else timeout + LOCAL_DEADLINE_GRACE
        if not call.done.wait(wait):
            with self._lock:
                self._calls.pop(request_id, None)
            self.cancel_request(request_id)
            raise DeadlineExceeded("no answer from the bridge within %.3gs" % timeout, method=method)
        if call.error is not None:
            raise call.error
        return call.result

    def open_stream(self, method, params, sink):
        call = _StreamCall(method, sink)
        request_id = self._register(call)
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return StreamHandle(self, request_id)

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def cancel_request(self, request_id):
        try:
            self.notify("$/cancelRequest", {"id": request_id})
        except Unavailable:
            pass  # the connection is gone: the server cancelled everything already

    def respond(self, request_id, result=None, error=None):
        """Answers a server -> client request (host.invoke)."""
        message = {"jsonrpc": "2.0", "id": request_id}
        if error is not None:
            message["error"] = error
        else:
            message["result"] = result
        self._send(message)

    def _register(self, call):
        with self._lock:
            if self._closed_error is not None:
                raise Unavailable(self._closed_error.message, method=call.method)
            request_id = next(self._ids)
            self._calls[request_id] = call
            return request_id

    def _send(self, message):
        text = json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        try:
            self._channel.send_text(text)
        except (OSError, ValueError) as error:
            if isinstance(error, ValueError) and self.alive:
                raise
            self._fail_connection("connection to the bridge lost: %s" % error)
            raise Unavailable("connection to the bridge lost: %s" % error, method=message.get("method"))

    # -- server -> client -------------------------------------------------------------

    def _read_loop(self):
        reason = "the bridge closed the connection"
        try:
            while True:
                text = self._channel.receive_text()
                if text is None:
                    reason = getattr(self._channel, "close_reason", None) or reason
                    break
                try:
                    message = json.loads(text)
                except ValueError:
                    reason = "the bridge sent a message that is not JSON"
                    break
                for item in message if isinstance(message, list) else [message]:
                    if isinstance(item, dict):
                        try:
                            self._dispatch(item)
                        except Exception:  # a broken sink must not take the connection down
                            log.exception("pipebridge: handling %.200s failed", text)
        except Exception as error:  # socket errors, WebSocket protocol errors
            reason = "connection to the bridge lost: %s" % (error,)
        self._fail_connection(reason)

    def _dispatch(self, message):
        method = message.get("method")
        if method == "$/stream":
            params = message.get("params") or {}
            with self._lock:
                call = self._calls.get(params.get("id"))
            if isinstance(call, _StreamCall) and not call.ended:
                call.sink.on_message(params.get("message") or {})
            return
        if method is not None:
            handler = self.server_handler
            request_id = message.get("id")
            if handler is not None:
                handler(method, message.get("params") or {}, request_id)
            elif request_id is not None:
                self.respond(request_id, error={"code": -32601, "message": "this client serves no %r" % method,
                                                "data": {"status": "UNIMPLEMENTED", "details": []}})
            return
        if message.get("id") is None and "error" in message:
            # A message the server could not read far enough to find its id (over TCP: a line
            # over its size limit). No call can be told; the one it was ends at its deadline.
            log.warning("pipebridge: the bridge refused a message: %s", (message["error"] or {}).get("message"))
            return
        with self._lock:
            call = self._calls.pop(message.get("id"), None)
        if call is None:
            return  # a call given up locally (deadline, cancel): its late answer is dropped
        if "error" in message:
            call.finish(error=from_jsonrpc_error(message["error"], call.method))
        else:
            call.finish(result=message.get("result"))

    def _fail_connection(self, reason):
        with self._lock:
            if self._closed_error is not None:
                return
            self._closed_error = Unavailable(reason)
            calls, self._calls = self._calls, {}
            listeners, self._close_listeners = self._close_listeners, []
        try:
            self._channel.close()
        except OSError:
            pass
        for call in calls.values():
            call.finish(error=Unavailable(reason, method=call.method))
        for listener in listeners:
            listener(self._closed_error)

    def close(self):
        """Closes the connection; pending calls fail with CANCELLED (the client closed)."""
        with self._lock:
            calls = dict(self._calls)
        for call in calls.values():
            call.finish(error=Cancelled("the client was closed", method=call.method))
        self._fail_connection("the client was closed")
