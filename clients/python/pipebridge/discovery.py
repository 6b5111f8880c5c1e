"""Where the bridge is: the discovery file the server writes, or PIPEBRIDGE_URL.

The discovery folder is $PIPEBRIDGE_DISCOVERY_DIR, else $XDG_RUNTIME_DIR/pipebridge, else
~/.pipebridge (docs/protocol.md). A file whose pid is not alive is stale: the bridge is not
running, and connecting is refused with Unavailable rather than dialling a dead port.

PIPEBRIDGE_URL names one endpoint directly, for a bridge whose file this user cannot read
(another account, a container): tcp://127.0.0.1:47733, ws://127.0.0.1:47732/rpc or
grpc://127.0.0.1:47731, with the token as ?token=<TOKEN> or in PIPEBRIDGE_TOKEN.
"""

import json
import os

from .errors import InvalidArgument, Unavailable

from urllib.parse import parse_qs, urlsplit

DISCOVERY_FILE = "bridge.json"


class Endpoint(object):
    """One way to reach the bridge: transport ("jsonrpc-tcp", "jsonrpc-ws", "grpc"),
    address as the discovery file writes it, and the token."""

    def __init__(self, transport, address, token):
        self.transport = transport
        self.address = address
        self.token = token

    def host_port(self):
        """(host, port) of the address, for tcp and grpc ("127.0.0.1:47733") and ws URLs."""
        address = self.address
        if "://" in address:
            address = urlsplit(address).netloc
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise InvalidArgument("endpoint %r: expected host:port" % self.address)
        return host.strip("[]"), int(port)

    def __repr__(self):
        return "Endpoint(%r, %r)" % (self.transport, self.address)


def discovery_dir(environ=None):
    environ = os.environ if environ is None else environ
    if environ.get("PIPEBRIDGE_DISCOVERY_DIR"):
        return environ["PIPEBRIDGE_DISCOVERY_DIR"]
    if environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(environ["XDG_RUNTIME_DIR"], "pipebridge")
    return os.path.join(os.path.expanduser("~"), ".pipebridge")


def pid_alive(pid):
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    except OSError:
        return False
    return True


def read_discovery_file(directory=None):
    """The parsed bridge.json; Unavailable when missing, unreadable or stale."""
    path = os.path.join(directory or discovery_dir(), DISCOVERY_FILE)
    try:
        with open(path) as stream:
            info = json.load(stream)
    except (OSError, IOError):
        raise Unavailable("no running bridge: %s not found (start one with `pipebridge serve`, "
                          "or set PIPEBRIDGE_DISCOVERY_DIR or PIPEBRIDGE_URL)" % path)
    except ValueError as error:
        raise Unavailable("discovery file %s is not JSON: %s" % (path, error))
    if not isinstance(info, dict) or not isinstance(info.get("endpoints"), dict):
        raise Unavailable("discovery file %s has no endpoints" % path)
    if not pid_alive(info.get("pid")):
        raise Unavailable("discovery file %s is stale: bridge process %r is not running"
                          % (path, info.get("pid")))
    return info


_URL_SCHEMES = {"tcp": "jsonrpc-tcp", "ws": "jsonrpc-ws", "grpc": "grpc"}


def endpoint_from_url(url, environ=None):
    environ = os.environ if environ is None else environ
    parts = urlsplit(url)
    transport = _URL_SCHEMES.get(parts.scheme)
    if transport is None or not parts.netloc:
        raise InvalidArgument("PIPEBRIDGE_URL %r: expected tcp://host:port, ws://host:port/rpc "
                              "or grpc://host:port" % url)
    token = (parse_qs(parts.query).get("token") or [environ.get("PIPEBRIDGE_TOKEN", "")])[0]
    if not token:
        raise InvalidArgument("PIPEBRIDGE_URL %s://%s has no token: add ?token=... or set "
                              "PIPEBRIDGE_TOKEN" % (parts.scheme, parts.netloc))
    if transport == "jsonrpc-ws":
        address = "ws://%s%s" % (parts.netloc, parts.path or "/rpc")
    else:
        address = parts.netloc
    return Endpoint(transport, address, token)


def find_endpoints(url=None, directory=None, environ=None):
    """The bridge's endpoints. Arguments beat the environment: url, else directory's file,
    else $PIPEBRIDGE_URL, else the file in the default discovery folder."""
    environ = os.environ if environ is None else environ
    if not url and not directory:
        url = environ.get("PIPEBRIDGE_URL")
    if url:
        return [endpoint_from_url(url, environ)]
    info = read_discovery_file(directory or discovery_dir(environ))
    token = info.get("token", "")
    return [Endpoint(name, address, token) for name, address in info["endpoints"].items()]
