"""The JSON-RPC transports (TCP lines or WebSocket): calls, streams and host attachment over
one JsonRpcSession, reconnected lazily.

A lost connection fails what was in flight on it with UNAVAILABLE; the next call connects
again (re-reading the discovery file, so a restarted bridge on new ports or with a new token
is found). Subscriptions and hosts resume themselves on top of this (see streams.py, host.py).
"""

import threading

from .errors import FailedPrecondition, Unavailable, error_for_status
from .jsonrpc_session import JsonRpcSession
from .line_socket import LineSocket
from .websocket import WebSocket

PROTOCOL_VERSION = 1


class JsonRpcTransport(object):
    def __init__(self, find_endpoint, kind, client_name, client_version, connect_timeout):
        """find_endpoint() -> Endpoint of this kind ("jsonrpc-tcp" or "jsonrpc-ws"), called on
        every (re)connection."""
        self.kind = kind
        self._find_endpoint = find_endpoint
        self._client = {"name": client_name, "version": client_version}
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._session = None
        self._closed = False
        self.server_info = None
        self.endpoint = None

    # -- connection -------------------------------------------------------------------

    def session(self):
        """The live session, connecting (and initializing) first when there is none."""
        with self._lock:
            if self._closed:
                raise Unavailable("the client was closed")
            if self._session is not None and self._session.alive:
                return self._session
            self._session = self._connect()
            return self._session

    def _connect(self):
        endpoint = self._find_endpoint()
        if endpoint.transport == "jsonrpc-ws":
            channel = WebSocket.connect(endpoint.address, endpoint.token, self._connect_timeout)
        else:
            host, port = endpoint.host_port()
            channel = LineSocket.connect(host, port, self._connect_timeout)
        session = JsonRpcSession(channel).start()
        try:
            info = session.call("$/initialize", {"token": endpoint.token, "client": self._client,
                                                 "protocolVersion": PROTOCOL_VERSION},
                                self._connect_timeout)
        except Exception:
            session.close()
            raise
        if info.get("protocolVersion") != PROTOCOL_VERSION:
            session.close()
            raise FailedPrecondition("the bridge speaks protocolVersion %r, this client %d"
                                     % (info.get("protocolVersion"), PROTOCOL_VERSION))
        self.server_info = info
        self.endpoint = endpoint
        return session

    def handshake(self, timeout):
        """Connects now: $/initialize checks the token and the protocol version."""
        self.session()

    def close(self):
        with self._lock:
            self._closed = True
            session, self._session = self._session, None
        if session is not None:
            session.close()

    # -- calls ------------------------------------------------------------------------

    def unary(self, method, params, timeout):
        params = dict(params)
        if timeout is not None:
            params["$meta"] = {"timeoutMs": max(1, int(timeout * 1000))}
        return self.session().call(method, params, timeout)

    def open_stream(self, method, params, timeout, sink):
        """Starts a server-streaming call; sink.on_message / sink.on_end run on the reader
        thread. Returns a handle with cancel()."""
        params = dict(params)
        if timeout is not None:
            params["$meta"] = {"timeoutMs": max(1, int(timeout * 1000))}
        return self.session().open_stream(method, params, sink)

    def describe(self, timeout):
        """The contract the server serves (`rpc.discover`)."""
        return self.session().call("rpc.discover", {}, timeout)

    # -- hosts ------------------------------------------------------------------------

    def attach(self, hello, handler, timeout):
        """Attaches a host over `host.attach` on the current connection (one host per
        connection). handler gets on_invoke(invocation, link), on_cancel(invocation_id, reason) and
        on_detached(error) (the connection ended). Returns (attached, link)."""
        session = self.session()
        link = JsonRpcHostLink(session, handler)
        session.server_handler = link.on_server_message
        session.add_close_listener(link.on_connection_closed)
        try:
            attached = session.call("host.attach", hello, timeout)
        except Exception:
            session.server_handler = None
            link.on_connection_closed(None)  # never established: nothing to report
            raise
        if not link.mark_established():
            raise Unavailable("the connection to the bridge was lost while attaching", method="host.attach")
        return attached, link


class JsonRpcHostLink(object):
    """A host's side of `host.attach`: invocations come in as `host.invoke` requests with
    their own ids ("s:1"); the host answers each by invocation id."""

    def __init__(self, session, handler):
        self._session = session
        self._handler = handler
        self._lock = threading.Lock()
        self._request_ids = {}  # invocationId -> the server's request id to answer
        self.closed = False
        self.established = False  # host.attach answered: from then on a loss is reported

    def on_server_message(self, method, params, request_id):
        if method == "host.invoke" and request_id is not None:
            invocation_id = params.get("invocationId", "")
            with self._lock:
                self._request_ids[invocation_id] = request_id
            self._handler.on_invoke(params, self)
        elif method == "host.detached":
            # The bridge ended the session (lease expired, shutting down); the connection
            # may stay open. The host is told, and attaches again if it should.
            code = params.get("code") if isinstance(params.get("code"), int) else 14
            self.on_connection_closed(error_for_status(code, params.get("message") or "the bridge detached the host"))
        elif method == "host.cancel":
            invocation_id = params.get("invocationId", "")
            with self._lock:
                known = self._request_ids.pop(invocation_id, None) is not None
            if known:
                self._handler.on_cancel(invocation_id, params.get("reason", ""))
        elif request_id is not None:
            self._session.respond(request_id, error={
                "code": -32601, "message": "this host serves no %r" % method,
                "data": {"status": "UNIMPLEMENTED", "details": []}})

    def mark_established(self):
        """False when the connection already ended (the attach must then be retried)."""
        with self._lock:
            if self.closed:
                return False
            self.established = True
            return True

    def on_connection_closed(self, error):
        """Reports the end once, and only for an established attachment: a failed attach is
        reported to its caller by the exception instead (never both, or two re-attach loops
        would race). Also the end of a session the bridge detached (host.detached)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            report = self.established
            self._request_ids.clear()
        if self._session.server_handler == self.on_server_message:
            self._session.server_handler = None
        if report:
            self._handler.on_detached(error)

    def answer(self, invocation_id, result=None, error=None):
        """error: a JSON-RPC error object {"code": <gRPC code>, "message", "data"}."""
        with self._lock:
            request_id = self._request_ids.pop(invocation_id, None)
        if request_id is None:
            return False  # cancelled or already answered: a late answer is dropped
        self._session.respond(request_id, result=result, error=error)
        return True

    def progress(self, invocation_id, fraction, message, data):
        self._session.notify("host.progress", {"invocationId": invocation_id, "fraction": fraction,
                                               "message": message, "data": data or {}})

    def heartbeat(self, timeout):
        return self._session.call("host.heartbeat", {}, timeout)

    def update_commands(self, commands, timeout):
        return self._session.call("host.updateCommands", {"commands": commands}, timeout)

    def detach(self, timeout):
        with self._lock:
            self.closed = True
        try:
            self._session.call("host.detach", {}, timeout)
        finally:
            self._session.server_handler = None
