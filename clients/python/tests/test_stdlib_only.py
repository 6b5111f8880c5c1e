"""The client with nothing but the standard library importable, as in a DCC's embedded
Python without grpcio; and with grpcio where it is installed."""

import json
import os
import subprocess
import sys
import sysconfig

import pytest

import pipebridge
from conftest import connect

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))


def stdlib_only_path():
    """The interpreter's standard library folders, without site- or dist-packages."""
    paths = sysconfig.get_paths()
    stdlib = [paths["stdlib"], paths["platstdlib"], os.path.join(paths["stdlib"], "lib-dynload")]
    return [p for p in dict.fromkeys(stdlib) if os.path.isdir(p) and "-packages" not in p]


def test_runs_with_only_the_standard_library(server):
    code = ("import sys; sys.path[:] = %r; sys.argv = ['stdlib_only_client', %r]; "
            "exec(compile(open(%r).read(), 'stdlib_only_client.py', 'exec'))"
            % ([PACKAGE_ROOT] + stdlib_only_path(), server.discovery_dir,
               os.path.join(HERE, "stdlib_only_client.py")))
    # -I: ignore PYTHON* variables and the user site; -S: no site module, so no dist-packages.
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert report["grpc_importable"] is False, report["path"]
    assert report["grpc_available"] is False
    assert report["modules"] == []
    assert report["auto_transport"] == "jsonrpc-tcp"
    assert report["ping"] == "stdlib" and report["ws_ping"] == "over websocket"
    assert report["shots"] == ["sh010", "sh020", "sh030", "sh040", "sh050", "sh060"]
    assert report["not_found"] == "NOT_FOUND"
    assert report["replayed"] == "entity.Shot.created"
    assert "entities" in report["ws_services"]


@pytest.mark.skipif(not pipebridge.grpc_available(), reason="grpcio does not import under this interpreter")
def test_auto_uses_grpcio_when_it_imports(server):
    import grpc  # noqa: F401  (the point: it is importable here)

    client = connect(server, transport="auto")
    try:
        assert client.transport == "grpc"
        assert client.ping("over grpc") == "over grpc"
        found = client.entities.find(entity_type="Shot", filters=[["code", "is", "sh040"]], fields=["code", "sg_cut_in"])
        assert found["entities"] == [{"type": "Shot", "id": found["entities"][0]["id"], "code": "sh040", "sg_cut_in": 1001}]
    finally:
        client.close()
