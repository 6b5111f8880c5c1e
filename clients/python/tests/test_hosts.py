"""attach_host(): a host offers commands that another client invokes through the bridge."""

import threading
import time

import pytest

import pipebridge
from conftest import connect, require_json_host_attach

INVOKE = "pipebridge.v1.HostService/Invoke"
INVOKE_STREAM = "pipebridge.v1.HostService/InvokeStream"
LIST_HOSTS = "pipebridge.v1.HostService/ListHosts"


@pytest.fixture
def host_client(server, transport):
    client = connect(server, transport)
    require_json_host_attach(client)
    yield client
    client.close()


@pytest.fixture
def caller(server):
    client = connect(server, "tcp")
    yield client
    client.close()


def invoke(caller, host, command, args=None, timeout=10):
    return caller.call(INVOKE, {"host": {"hostId": host.id}, "command": command, "args": args or {}},
                       timeout=timeout)


def test_a_command_is_invoked_by_another_client(host_client, caller, transport):
    calls = []

    def export(args, invocation):
        calls.append((invocation.command, invocation.caller_host, threading.current_thread().name))
        return {"frames": args["last"] - args["first"] + 1, "nested": host_client.ping("inside")}

    host = host_client.attach_host("maya", application_version="2024", display_name="Maya test " + transport,
                                   commands={"maya.export": export})
    assert host.id and host.attached
    listed = caller.call(LIST_HOSTS, {"application": "maya"})["hosts"]
    mine = [h for h in listed if h["id"] == host.id]
    assert mine and mine[0]["displayName"] == "Maya test " + transport
    assert [c["name"] for c in mine[0]["commands"]] == ["maya.export"]

    answer = invoke(caller, host, "maya.export", {"first": 1001, "last": 1048})
    assert answer == {"hostId": host.id, "result": {"frames": 48, "nested": "inside"}}
    assert calls[0][:2] == ("maya.export", "")
    assert calls[0][2] != threading.current_thread().name  # ran on a worker thread
    host.detach()
    # Over JSON-RPC host.detach is answered at once and the bridge ends the session right
    # after; bounded wait for it to leave the list.
    deadline = time.monotonic() + 5
    while [h for h in caller.call(LIST_HOSTS, {})["hosts"] if h["id"] == host.id]:
        assert time.monotonic() < deadline, "the detached host is still listed"
        time.sleep(0.02)


def test_command_errors_reach_the_caller_with_their_code(host_client, caller):
    host = host_client.attach_host("nuke")

    @host.command("nuke.render", title="Render", args_schema={"type": "object"})
    def render(args, invocation):
        raise pipebridge.FailedPrecondition("no Write node selected")

    @host.command("nuke.crash")
    def crash(args, invocation):
        return {}["missing"]

    with pytest.raises(pipebridge.FailedPrecondition) as caught:
        invoke(caller, host, "nuke.render")
    assert caught.value.message == "no Write node selected"
    with pytest.raises(pipebridge.Internal) as caught:
        invoke(caller, host, "nuke.crash")
    assert "KeyError" in caught.value.message
    host.detach()


def test_caller_deadline_cancels_the_invocation_on_the_host(host_client, server, transport):
    """The caller's timeout= becomes the call's deadline on every transport ($meta.timeoutMs
    or grpc-timeout); the bridge answers DEADLINE_EXCEEDED and cancels the host's work."""
    caller = connect(server, transport)
    started, cancelled = threading.Event(), threading.Event()

    def slow(args, invocation):
        started.set()
        if invocation.cancelled.wait(10):
            cancelled.set()
        return {}

    host = host_client.attach_host("houdini", commands={"houdini.cook": slow})
    began = time.monotonic()
    with pytest.raises(pipebridge.DeadlineExceeded):
        invoke(caller, host, "houdini.cook", timeout=0.5)
    assert time.monotonic() - began < 5
    assert started.wait(5)
    assert cancelled.wait(5), "the host was not told the caller gave up"
    host.detach()
    caller.close()


def test_progress_reaches_invoke_stream_callers(private_server, transport):
    """On a server of its own, so that a regression of the JSON-RPC stream-finish deadlock
    (fixed; it froze an IO thread after an InvokeStream) cannot spill into other tests."""
    host_client = connect(private_server, transport)
    caller = connect(private_server, "tcp")
    require_json_host_attach(host_client)

    def bake(args, invocation):
        invocation.progress(0.5, "half way", {"frame": 1024})
        return {"baked": True}

    host = host_client.attach_host("blender", commands={"blender.bake": bake})
    with caller.stream(INVOKE_STREAM, {"host": {"hostId": host.id}, "command": "blender.bake"}, timeout=10) as stream:
        progress = stream.next(timeout=10)
        assert progress["progress"]["fraction"] == 0.5
        assert progress["progress"]["message"] == "half way"
        assert progress["progress"]["data"] == {"frame": 1024}
        assert stream.next(timeout=10)["result"] == {"hostId": host.id, "result": {"baked": True}}
    host.detach()
    caller.close()
    host_client.close()


def test_commands_added_after_attach_are_offered(host_client, caller):
    host = host_client.attach_host("photoshop")
    host.add_command("photoshop.exportLayers", lambda args, invocation: {"layers": ["bg", "fg"]}, title="Export layers")
    assert invoke(caller, host, "photoshop.exportLayers")["result"] == {"layers": ["bg", "fg"]}
    listed = [h for h in caller.call(LIST_HOSTS, {})["hosts"] if h["id"] == host.id][0]
    assert listed["commands"][0]["title"] == "Export layers"
    host.detach()


def test_queue_dispatcher_runs_commands_on_the_pumping_thread(host_client, caller):
    """The fallback for hosts whose API must run on the main thread: the command runs when,
    and where, the application pumps the queue."""
    dispatcher = pipebridge.QueueDispatcher()  # created here: this thread is the "main" one
    ran_on = []
    host = host_client.attach_host("unity", dispatcher=dispatcher,
                                   commands={"unity.select": lambda args, inv: ran_on.append(threading.current_thread()) or {"ok": 1}})
    answers = []
    worker = threading.Thread(target=lambda: answers.append(invoke(caller, host, "unity.select")))
    worker.start()
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline:
        dispatcher.pump(timeout=0.05)
    worker.join(1)
    assert answers and answers[0]["result"] == {"ok": 1}
    assert ran_on == [threading.current_thread()]
    host.detach()


@pytest.mark.parametrize("value", ["a string", ["a", "list"], 42, 2.5, True, None, {"an": "object"}])
def test_a_command_may_return_any_json_value(host_client, caller, value):
    """docs/protocol.md: host.invoke's result is "any JSON value" (a google.protobuf.Value)."""
    host = host_client.attach_host("lua", commands={"lua.value": lambda args, invocation: value})
    try:
        assert invoke(caller, host, "lua.value") == {"hostId": host.id, "result": value}
    finally:
        host.detach()
