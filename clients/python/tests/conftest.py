"""Fixtures: a private bridge per test module (or per test where the test restarts it) and
a client per transport. The package under test is the folder above, not an installed one."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import pipebridge  # noqa: E402
from bridge_server import BridgeServer  # noqa: E402

# grpc needs grpcio, which only some interpreters have (Debian's is for /usr/bin/python3);
# the standard-library-only path is covered by test_stdlib_only.py in any case.
TRANSPORTS = ["tcp", "ws"] + (["grpc"] if pipebridge.grpc_available() else [])


@pytest.fixture(scope="module")
def server():
    bridge_server = BridgeServer().start()
    yield bridge_server
    bridge_server.cleanup()


@pytest.fixture
def private_server():
    """A server this test alone uses (it may kill and restart it)."""
    bridge_server = BridgeServer().start()
    yield bridge_server
    bridge_server.cleanup()


@pytest.fixture(params=TRANSPORTS)
def transport(request):
    return request.param


@pytest.fixture
def bridge(server, transport):
    client = pipebridge.connect(discovery_dir=server.discovery_dir, transport=transport, timeout=10)
    yield client
    client.close()


def connect(server, transport="tcp", **options):
    options.setdefault("timeout", 10)
    return pipebridge.connect(discovery_dir=server.discovery_dir, transport=transport, **options)


def require_surface(client):
    """The typed surface over JSON-RPC needs rpc.discover (docs/protocol.md)."""
    if not client.services:
        pytest.skip("this pipebridge binary does not answer rpc.discover yet")


def require_json_host_attach(client):
    if client.transport != "grpc" and "host.attach" not in _server_methods(client):
        pytest.skip("this pipebridge binary does not serve host.attach over JSON-RPC yet")


def _server_methods(client):
    try:
        client.call("host.heartbeat", {}, timeout=5)
    except pipebridge.Unimplemented:
        return set()
    except pipebridge.BridgeError:
        return {"host.attach"}  # answered (FAILED_PRECONDITION: not attached): it exists
    return {"host.attach"}
