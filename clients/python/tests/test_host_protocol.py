"""The JSON-RPC host protocol against a scripted bridge, for what a real one does rarely:
`host.detached` (a lease expired or the bridge is shutting down) makes the host attach again
on the same connection; answers carry the server's request ids; a cancelled invocation is
never answered."""

import json
import socket
import threading
import time

import pipebridge


class ScriptedBridge(object):
    """Accepts one TCP connection and answers $/initialize, host.* requests; the test sends
    server -> client messages with send()."""

    def __init__(self, invoke_on_attach=None):
        self._invoke_on_attach = invoke_on_attach  # a host.invoke sent with the attach answer
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.port = self._listener.getsockname()[1]
        self.received = []
        self._changed = threading.Condition()
        self._connection = None
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self._connection, _ = self._listener.accept()
        attaches = 0
        for line in self._connection.makefile("rb"):
            message = json.loads(line)
            method = message.get("method")
            if method == "$/initialize":
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": {"protocolVersion": 1}})
            elif method == "host.attach":
                attaches += 1
                answer = {"jsonrpc": "2.0", "id": message["id"],
                          "result": {"host": {"id": "host-%d" % attaches}, "leaseMs": "600000"}}
                if self._invoke_on_attach:  # one write: the invocation lands with the answer
                    self._connection.sendall(json.dumps(answer).encode() + b"\n" +
                                             json.dumps(self._invoke_on_attach).encode() + b"\n")
                else:
                    self.send(answer)
            elif method in ("host.heartbeat", "host.updateCommands", "host.detach") and "id" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": {}})
            with self._changed:
                self.received.append(message)
                self._changed.notify_all()

    def send(self, message):
        self._connection.sendall(json.dumps(message).encode() + b"\n")

    def wait_for(self, predicate, timeout=10):
        with self._changed:
            assert self._changed.wait_for(lambda: any(predicate(m) for m in self.received), timeout), self.received
            return [m for m in self.received if predicate(m)]

    def close(self):
        self._listener.close()
        if self._connection is not None:
            self._connection.close()


def test_host_detached_attaches_again_on_the_same_connection():
    bridge = ScriptedBridge()
    client = pipebridge.connect(url="tcp://127.0.0.1:%d?token=t" % bridge.port, timeout=5)
    try:
        host = client.attach_host("lua", commands={"lua.echo": lambda args, inv: {"echo": args}})
        assert host.id == "host-1"
        bridge.send({"jsonrpc": "2.0", "method": "host.detached",
                     "params": {"code": 14, "status": "UNAVAILABLE", "message": "lease expired"}})
        deadline = time.monotonic() + 10
        while host.attach_count < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert host.attached and host.id == "host-2" and host.attach_count == 2
        assert len(bridge.wait_for(lambda m: m.get("method") == "host.attach")) == 2
        # The re-attached host answers invocations with the server's request id.
        bridge.send({"jsonrpc": "2.0", "id": "s:7", "method": "host.invoke",
                     "params": {"invocationId": "inv-7", "command": "lua.echo", "args": {"x": 1}}})
        answer = bridge.wait_for(lambda m: m.get("id") == "s:7")[0]
        assert answer["result"] == {"echo": {"x": 1}}
    finally:
        client.close()
        bridge.close()


def test_a_cancelled_invocation_is_not_answered():
    bridge = ScriptedBridge()
    client = pipebridge.connect(url="tcp://127.0.0.1:%d?token=t" % bridge.port, timeout=5)
    started, stopped = threading.Event(), threading.Event()

    def slow(args, invocation):
        started.set()
        if invocation.cancelled.wait(10):
            stopped.set()
        return {"late": True}

    try:
        client.attach_host("lua", commands={"lua.slow": slow, "lua.fast": lambda args, inv: {"fast": True}})
        bridge.send({"jsonrpc": "2.0", "id": "s:1", "method": "host.invoke",
                     "params": {"invocationId": "inv-1", "command": "lua.slow", "args": {}}})
        assert started.wait(10)
        bridge.send({"jsonrpc": "2.0", "method": "host.cancel", "params": {"invocationId": "inv-1", "reason": "cancelled"}})
        assert stopped.wait(10)
        # A later invocation is answered; the cancelled one never was.
        bridge.send({"jsonrpc": "2.0", "id": "s:2", "method": "host.invoke",
                     "params": {"invocationId": "inv-2", "command": "lua.fast", "args": {}}})
        bridge.wait_for(lambda m: m.get("id") == "s:2")
        assert not [m for m in bridge.received if m.get("id") == "s:1"]
    finally:
        client.close()
        bridge.close()


def test_an_invocation_arriving_with_the_attach_answer_is_answered():
    """The bridge may invoke a host the moment it attached, before attach_host() returned."""
    bridge = ScriptedBridge(invoke_on_attach={"jsonrpc": "2.0", "id": "s:1", "method": "host.invoke",
                                              "params": {"invocationId": "inv-1", "command": "lua.now", "args": {}}})
    client = pipebridge.connect(url="tcp://127.0.0.1:%d?token=t" % bridge.port, timeout=5)
    try:
        client.attach_host("lua", commands={"lua.now": lambda args, invocation: {"early": True}})
        assert bridge.wait_for(lambda m: m.get("id") == "s:1")[0]["result"] == {"early": True}
    finally:
        client.close()
        bridge.close()
