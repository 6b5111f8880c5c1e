"""White-box checks of the wire pieces that need no server: WebSocket framing, discovery
file rules, and the names the typed surface gives."""

import json
import os
import struct

import pytest

import pipebridge
from pipebridge import discovery, surface, websocket


def test_accept_key_matches_rfc_6455_example():
    assert websocket.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize("size", [0, 5, 125, 126, 65535, 65536, 70000])
def test_client_frames_are_masked_with_the_right_length_encoding(size):
    payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    frame = websocket.encode_frame(websocket.OP_TEXT, payload, mask_key=b"\x01\x02\x03\x04")
    assert frame[0] == 0x81 and frame[1] & 0x80  # FIN + text, MASK bit set
    length = frame[1] & 0x7F
    offset = 2
    if length == 126:
        length, offset = struct.unpack("!H", frame[2:4])[0], 4
    elif length == 127:
        length, offset = struct.unpack("!Q", frame[2:10])[0], 10
    assert length == size
    assert frame[offset:offset + 4] == b"\x01\x02\x03\x04"
    assert websocket.mask(frame[offset + 4:], b"\x01\x02\x03\x04") == payload


def test_discovery_folder_precedence():
    assert discovery.discovery_dir({"PIPEBRIDGE_DISCOVERY_DIR": "/a", "XDG_RUNTIME_DIR": "/run"}) == "/a"
    assert discovery.discovery_dir({"XDG_RUNTIME_DIR": "/run/user/1"}) == "/run/user/1/pipebridge"
    assert discovery.discovery_dir({}) == os.path.join(os.path.expanduser("~"), ".pipebridge")


def test_missing_and_stale_discovery_files_are_unavailable(tmp_path):
    with pytest.raises(pipebridge.Unavailable, match="not found"):
        pipebridge.connect(discovery_dir=str(tmp_path))
    dead_pid = 2 ** 22 + 12345  # above pid_max: never a live process
    (tmp_path / "bridge.json").write_text(json.dumps(
        {"pid": dead_pid, "token": "t", "endpoints": {"jsonrpc-tcp": "127.0.0.1:1"}}))
    with pytest.raises(pipebridge.Unavailable, match="stale"):
        pipebridge.connect(discovery_dir=str(tmp_path))


def test_pipebridge_url_forms():
    tcp = discovery.endpoint_from_url("tcp://127.0.0.1:47733?token=abc", {})
    assert (tcp.transport, tcp.address, tcp.token) == ("jsonrpc-tcp", "127.0.0.1:47733", "abc")
    ws = discovery.endpoint_from_url("ws://localhost:47732", {"PIPEBRIDGE_TOKEN": "xyz"})
    assert (ws.transport, ws.address, ws.token) == ("jsonrpc-ws", "ws://localhost:47732/rpc", "xyz")
    with pytest.raises(pipebridge.InvalidArgument, match="no token"):
        discovery.endpoint_from_url("grpc://127.0.0.1:1", {})
    with pytest.raises(pipebridge.InvalidArgument, match="expected"):
        discovery.endpoint_from_url("http://127.0.0.1:1?token=a", {})


def test_python_names_of_services_and_methods():
    assert surface.snake_case("GetInfo") == "get_info"
    assert surface.snake_case("StaleIfRepublished") == "stale_if_republished"
    assert surface.lower_camel("publish_type") == "publishType"
    assert surface.lower_camel("afterId") == "afterId"
    assert surface.service_attribute("pipebridge.v1.PublishService") == "publishes"
    assert surface.service_attribute("pipebridge.v2.RenderFarmService") == "render_farm"


def test_unknown_transport_is_refused():
    with pytest.raises(pipebridge.InvalidArgument, match="transport 'http'"):
        pipebridge.connect(transport="http")
