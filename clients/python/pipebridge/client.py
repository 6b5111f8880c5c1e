"""connect() and the Bridge client object."""

import logging
import threading

from . import discovery
from .errors import InvalidArgument, Unavailable, Unimplemented
from .host import Host, default_hello
from .jsonrpc_transport import JsonRpcTransport
from .streams import Stream
from .surface import build_services

log = logging.getLogger("pipebridge")

__version__ = "0.1.0"

DEFAULT_TIMEOUT = 30.0
_DEFAULT = object()  # "timeout not given": the client's default, unlike an explicit None

TRANSPORTS = ("auto", "grpc", "tcp", "ws")
_ENDPOINT_NAMES = {"grpc": "grpc", "tcp": "jsonrpc-tcp", "ws": "jsonrpc-ws"}


def grpc_available():
    """True when grpcio and protobuf import here (Debian's python3-grpcio, or from PyPI)."""
    try:
        import grpc  # noqa: F401
        from google.protobuf import json_format  # noqa: F401
    except ImportError:
        return False
    return True


def connect(url=None, discovery_dir=None, transport="auto", timeout=DEFAULT_TIMEOUT,
            connect_timeout=5.0, client_name="pipebridge-python"):
    """Connects to the bridge of this workstation and returns a Bridge.

    url: an endpoint (tcp://127.0.0.1:47733?token=..., ws://.../rpc, grpc://...), else
    $PIPEBRIDGE_URL, else the discovery file in discovery_dir (else $PIPEBRIDGE_DISCOVERY_DIR,
    $XDG_RUNTIME_DIR/pipebridge, ~/.pipebridge). transport: "grpc" (needs grpcio), "tcp" or
    "ws" JSON-RPC, or "auto": gRPC when grpcio imports, else TCP, else WebSocket.
    timeout: default deadline of unary calls in seconds (each call may pass its own).
    Raises Unavailable when no bridge runs, Unauthenticated for a wrong token.
    """
    if transport not in TRANSPORTS:
        raise InvalidArgument("transport %r: expected one of %s" % (transport, ", ".join(TRANSPORTS)))

    def find(kind):
        """The endpoint of kind, read afresh (a restarted bridge may have new ports or token)."""
        endpoints = {e.transport: e for e in discovery.find_endpoints(url, discovery_dir)}
        if kind not in endpoints:
            raise Unavailable("the bridge offers no %s endpoint (it offers %s)"
                              % (kind, ", ".join(sorted(endpoints)) or "none"))
        return endpoints[kind]

    offered = {e.transport for e in discovery.find_endpoints(url, discovery_dir)}
    if transport == "auto":
        order = ["grpc", "tcp", "ws"] if grpc_available() else ["tcp", "ws"]
        candidates = [t for t in order if _ENDPOINT_NAMES[t] in offered]
        if not candidates:
            raise Unavailable("the bridge offers no endpoint this client speaks (%s)" % ", ".join(sorted(offered)))
        transport = candidates[0]
    kind = _ENDPOINT_NAMES[transport]
    if transport == "grpc":
        if not grpc_available():
            raise Unavailable("transport 'grpc' needs grpcio and protobuf, which do not import here; "
                              "use transport='tcp' or 'ws'")
        from .grpc_transport import GrpcTransport  # only imported when grpcio is there
        wire = GrpcTransport(lambda: find(kind), connect_timeout)
        wire.describe_with = _describer_over_jsonrpc(find, offered, client_name, connect_timeout)
    else:
        wire = JsonRpcTransport(lambda: find(kind), kind, client_name, __version__, connect_timeout)
    try:
        wire.handshake(connect_timeout)  # a wrong token or protocol fails here, not at first use
    except Exception:
        wire.close()
        raise
    return Bridge(wire, timeout)


def _describer_over_jsonrpc(find, offered, client_name, connect_timeout):
    """Reflection descriptors carry no comments; the same server's rpc.discover does. The gRPC
    transport asks it once over a short JSON-RPC connection, so docstrings read the same on
    every transport (and falls back to the descriptors when that fails)."""
    kinds = [k for k in ("jsonrpc-tcp", "jsonrpc-ws") if k in offered]

    def describe(timeout):
        for kind in kinds:
            transport = JsonRpcTransport(lambda: find(kind), kind, client_name, __version__, connect_timeout)
            try:
                return transport.describe(timeout)
            except Exception as error:  # any failure: the descriptors still give the names
                log.debug("pipebridge: rpc.discover over %s failed: %s", kind, error)
            finally:
                transport.close()
        return None

    return describe


class Bridge(object):
    """A connection to the bridge, safe to share between threads.

    Services are attributes (bridge.entities, bridge.templates, bridge.context,
    bridge.publishes, bridge.events, bridge.hosts, bridge.bridge); call(), stream() and
    attach_host() are the untyped and host-side forms.
    """

    def __init__(self, transport, timeout=DEFAULT_TIMEOUT):
        self._transport = transport
        self.default_timeout = timeout
        self._closed = threading.Event()
        self._surface_lock = threading.Lock()
        self._services = None  # built from the contract on first use (one rpc.discover)
        self._host = None
        self.contract = None

    @property
    def transport(self):
        """"grpc", "jsonrpc-tcp" or "jsonrpc-ws"."""
        return self._transport.kind

    def _surface(self):
        """{attribute: service proxy}, loaded once from the server's contract. A bridge that
        does not describe itself (older than rpc.discover) gets an empty surface: call() and
        stream() still reach every RPC by name."""
        with self._surface_lock:
            if self._services is None:
                try:
                    contract = self._transport.describe(self.default_timeout)
                except Unimplemented:
                    log.warning("pipebridge: this bridge does not answer rpc.discover; only call() "
                                "and stream() are available")
                    contract = {"services": [], "schemas": {}}
                self.contract = contract
                self._services = {name: cls(self) for name, cls in build_services(contract).items()}
            return self._services

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        services = self._surface()
        if name in services:
            return services[name]
        raise AttributeError("the bridge has no service %r (it serves: %s)"
                             % (name, ", ".join(sorted(services)) or "none described"))

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._surface()))

    @property
    def services(self):
        """{attribute name: service object}, e.g. {"entities": ..., "publishes": ...}."""
        return dict(self._surface())

    # -- calls ----------------------------------------------------------------------------

    def call(self, method, params=None, timeout=_DEFAULT):
        """Calls a unary RPC by full name ("pipebridge.v1.EntityService/Find") with a ProtoJSON
        params dict; returns the result dict or raises the BridgeError subclass of its status.
        timeout: seconds (default the client's; None means the server's default)."""
        if timeout is _DEFAULT:
            timeout = self.default_timeout
        self._check_open()
        return self._transport.unary(method, params or {}, timeout)

    def stream(self, method, params=None, timeout=None, callback=None, on_end=None,
               dispatcher=None, resume=True):
        """Starts a server-streaming RPC; returns a Stream (see streams.py)."""
        self._check_open()
        return Stream(self._transport, method, params or {}, timeout, self._closed,
                      callback=callback, on_end=on_end, dispatcher=dispatcher, resume=resume)

    def ping(self, payload="ping", timeout=_DEFAULT):
        return self.call("pipebridge.v1.BridgeService/Ping", {"payload": payload}, timeout)["payload"]

    # -- hosts ----------------------------------------------------------------------------

    def attach_host(self, application, application_version="", display_name="", session_id="",
                    user="", commands=None, dispatcher=None):
        """Attaches this process as a host offering commands; returns the attached Host.
        commands: {name: handler} (more with @host.command). One host per Bridge."""
        self._check_open()
        if self._host is not None and not self._host._detached:
            raise InvalidArgument("this client is attached as host %r already; connect() again "
                                  "for another host" % self._host.id)
        hello = default_hello(application, application_version, display_name, session_id, user)
        host = Host(self._transport, self._closed, hello, dispatcher=dispatcher,
                    call_timeout=self.default_timeout)
        for name, handler in (commands or {}).items():
            host.add_command(name, handler)
        host.attach()
        self._host = host
        return host

    # -- lifetime -------------------------------------------------------------------------

    def _check_open(self):
        if self._closed.is_set():
            raise Unavailable("the client was closed")

    def close(self):
        """Ends every stream and the host, and closes the connection."""
        self._closed.set()
        self._transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
