"""Every failure is a typed exception with .code, .status and .message, on every transport."""

import time

import pytest

import pipebridge
from conftest import connect
import pipebridge.jsonrpc_session
from pipebridge.errors import from_jsonrpc_error, to_jsonrpc_error

FIND = "pipebridge.v1.EntityService/Find"


def test_missing_record_is_not_found(bridge):
    with pytest.raises(pipebridge.NotFound) as caught:
        bridge.call("pipebridge.v1.EntityService/Get", {"entityType": "Shot", "id": 999})
    error = caught.value
    assert (error.code, error.status, error.message) == (5, "NOT_FOUND", "Shot 999 not found")
    assert error.method == "pipebridge.v1.EntityService/Get"
    assert isinstance(error, LookupError) and isinstance(error, pipebridge.BridgeError)


def test_bad_filter_names_its_path(bridge):
    with pytest.raises(pipebridge.InvalidArgument) as caught:
        bridge.call(FIND, {"entityType": "Shot", "filters": [["code", "iss", "sh010"]]})
    assert caught.value.code == 3
    assert "filters[0][1]" in caught.value.message


def test_unknown_request_field_is_invalid_argument(bridge):
    with pytest.raises(pipebridge.InvalidArgument) as caught:
        bridge.call(FIND, {"entityType": "Shot", "colour": "red"})
    assert "colour" in caught.value.message


def test_unknown_method_is_unimplemented(bridge):
    with pytest.raises(pipebridge.Unimplemented) as caught:
        bridge.call("pipebridge.v1.EntityService/Teleport", {})
    assert caught.value.code == 12


def test_unknown_keyword_is_a_type_error_naming_the_fields(bridge):
    if not bridge.services:
        pytest.skip("this pipebridge binary does not answer rpc.discover yet")
    with pytest.raises(TypeError, match="colour.*entity_type"):
        bridge.entities.find(entity_type="Shot", colour="red")


def test_stream_deadline_ends_with_deadline_exceeded(bridge):
    started = time.monotonic()
    stream = bridge.stream("pipebridge.v1.EventService/Subscribe", {"topics": ["nothing.ever"]}, timeout=0.3)
    with pytest.raises(pipebridge.DeadlineExceeded) as caught:
        stream.next(timeout=10)
    assert 0.25 <= time.monotonic() - started < 5
    assert caught.value.code == 4 and isinstance(caught.value, TimeoutError)
    assert stream.done and isinstance(stream.error, pipebridge.DeadlineExceeded)


@pytest.mark.parametrize("transport", ["tcp", "ws", "grpc"])
def test_wrong_token_is_unauthenticated(server, transport, monkeypatch):
    if transport == "grpc" and not pipebridge.grpc_available():
        pytest.skip("grpcio does not import under this interpreter")
    monkeypatch.setenv("PIPEBRIDGE_URL", server.url(transport).replace(server.token, "0" * 64))
    with pytest.raises(pipebridge.Unauthenticated) as caught:
        pipebridge.connect(transport=transport, timeout=5)  # refused at connect, not first use
    assert caught.value.code == 16
    assert "0" * 64 not in str(caught.value)


def test_jsonrpc_error_objects_map_by_status_name_then_code():
    error = from_jsonrpc_error({"code": 6, "message": "taken", "data": {"status": "ALREADY_EXISTS", "details": []}})
    assert type(error) is pipebridge.AlreadyExists and error.rpc_code == 6
    assert type(from_jsonrpc_error({"code": -32602, "message": "bad"})) is pipebridge.InvalidArgument
    assert type(from_jsonrpc_error({"code": -32601, "message": "no"})) is pipebridge.Unimplemented
    assert type(from_jsonrpc_error({"code": 99, "message": "?"})) is pipebridge.Unknown


def test_host_side_errors_keep_their_code_and_hide_tracebacks():
    assert to_jsonrpc_error(pipebridge.FailedPrecondition("no scene open")) == {
        "code": 9, "message": "no scene open", "data": {"status": "FAILED_PRECONDITION"}}
    assert to_jsonrpc_error(KeyError("frames"))["code"] == 13
    assert to_jsonrpc_error(KeyError("frames"))["message"] == "KeyError: 'frames'"


def test_every_status_code_has_its_class():
    for code in range(1, 17):
        cls = pipebridge.error_class(code)
        assert cls.code == code and cls("m").status == pipebridge.errors.STATUS_NAMES[code]


def test_closed_client_refuses_calls(server):
    client = connect(server, "tcp")
    client.close()
    with pytest.raises(pipebridge.Unavailable):
        client.ping("x")


def test_a_bridge_that_never_answers_still_hits_the_deadline(monkeypatch):
    """The client bounds every wait itself too: a hung server costs the deadline plus a
    short grace, never forever."""
    import json
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted = []

    def serve():
        connection, _ = listener.accept()
        accepted.append(connection)
        reader = connection.makefile("rb")
        request = json.loads(reader.readline())  # $/initialize: answered, then silence
        connection.sendall(json.dumps({"jsonrpc": "2.0", "id": request["id"],
                                       "result": {"protocolVersion": 1}}).encode() + b"\n")
        for _ in reader:
            pass

    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setenv("PIPEBRIDGE_URL", "tcp://127.0.0.1:%d?token=t" % listener.getsockname()[1])
    client = pipebridge.connect(transport="tcp")
    try:
        started = time.monotonic()
        with pytest.raises(pipebridge.DeadlineExceeded, match="no answer"):
            client.call("pipebridge.v1.BridgeService/Ping", {"payload": "x"}, timeout=0.2)
        assert time.monotonic() - started < 0.2 + pipebridge.jsonrpc_session.LOCAL_DEADLINE_GRACE + 1
    finally:
        client.close()
        listener.close()
        for connection in accepted:
            connection.close()
