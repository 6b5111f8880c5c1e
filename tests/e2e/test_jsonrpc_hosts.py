"""Hosts attached over JSON-RPC on TCP (host.attach): a real server and plain-socket clients
(standard library only). Routing, errors, schema rejection, cancellation, a host that
vanishes mid-invocation, re-entrant host-to-host calls, heartbeats and the events."""

import json
import queue
import socket
import threading
import time
import unittest

from bridge_process import BridgeProcess

WAIT = 20  # seconds: the bound of every wait below


class Peer:
    """A JSON-RPC peer over one TCP connection. A reader thread routes responses to their
    callers, and runs server requests (host.invoke) on threads of their own, so a handler
    may itself call the bridge."""

    def __init__(self, address, token, name):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=WAIT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.write_lock = threading.Lock()
        self.pending = {}
        self.pending_lock = threading.Lock()
        self.next_id = 0
        self.handlers = {}
        self.notifications = queue.Queue()
        self.requests_seen = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        reply = self.call("$/initialize", {"token": token, "protocolVersion": 1,
                                           "client": {"name": name, "version": "1"}})
        assert "result" in reply, reply

    def send(self, message):
        data = json.dumps(message).encode() + b"\n"
        with self.write_lock:
            self.sock.sendall(data)

    def call(self, method, params=None, timeout_ms=None):
        with self.pending_lock:
            self.next_id += 1
            request_id = self.next_id
            box = self.pending[request_id] = queue.Queue()
        params = dict(params or {})
        if timeout_ms is not None:
            params["$meta"] = {"timeoutMs": timeout_ms}
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return box.get(timeout=WAIT)

    def _read(self):
        reader = self.sock.makefile("rb")
        for line in reader:
            message = json.loads(line)
            if "method" in message and "id" in message:  # a request from the server
                self.requests_seen.put(message)
                threading.Thread(target=self._serve, args=(message,), daemon=True).start()
            elif "method" in message:
                self.notifications.put(message)
            else:
                with self.pending_lock:
                    box = self.pending.pop(message.get("id"), None)
                if box is not None:
                    box.put(message)

    def _serve(self, request):
        invocation = request["params"]
        handler = self.handlers.get(invocation["command"])
        if handler is None:
            return  # left unanswered on purpose (cancellation tests)
        try:
            answer = {"result": handler(invocation)}
        except HostFailure as failure:
            answer = {"error": {"code": failure.code, "message": str(failure), "data": {"hint": "x"}}}
        self.send(dict(jsonrpc="2.0", id=request["id"], **answer))

    def notification(self, method):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            message = self.notifications.get(timeout=max(0.01, deadline - time.monotonic()))
            if message["method"] == method:
                return message
        raise AssertionError("no %s notification" % method)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class HostFailure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


ECHO = {"name": "maya.echo", "title": "Echo", "description": "Answers its text",
        "argsSchema": {"type": "object", "properties": {"text": {"type": "string"}},
                       "required": ["text"]}}
SLEEP = {"name": "maya.sleep", "argsSchema": {"type": "object"}}


class JsonRpcHostTest(unittest.TestCase):
    def setUp(self):
        self.bridge = BridgeProcess("--demo").start()
        self.addCleanup(self.bridge.stop)
        self.address = self.bridge.endpoint("jsonrpc-tcp")

    def peer(self, name):
        peer = Peer(self.address, self.bridge.token, name)
        self.addCleanup(peer.close)
        return peer

    def attach(self, peer, commands, application="maya"):
        reply = peer.call("host.attach", {"application": application, "applicationVersion": "2024",
                                          "pid": 4242, "user": "ana", "displayName": "Maya (test)",
                                          "commands": commands}, timeout_ms=5000)
        self.assertIn("result", reply, reply)
        return reply["result"]

    def invoke(self, caller, host_id, command, args, timeout_ms=5000):
        return caller.call("pipebridge.v1.HostService/Invoke",
                           {"host": {"hostId": host_id}, "command": command, "args": args},
                           timeout_ms=timeout_ms)

    def test_attach_answers_the_host_and_lease(self):
        host = self.peer("maya")
        attached = self.attach(host, [ECHO])
        self.assertTrue(attached["host"]["id"])
        self.assertEqual(attached["host"]["application"], "maya")
        self.assertEqual(attached["host"]["commands"][0]["name"], "maya.echo")
        self.assertGreater(int(attached["leaseMs"]), 0)
        listed = self.peer("tool").call("pipebridge.v1.HostService/ListHosts", {"application": "maya"})
        self.assertEqual([h["id"] for h in listed["result"]["hosts"]], [attached["host"]["id"]])

    def test_invocation_reaches_the_host_and_its_result_the_caller(self):
        host = self.peer("maya")
        host.handlers["maya.echo"] = lambda inv: {"echo": inv["args"]["text"], "id": inv["invocationId"]}
        host_id = self.attach(host, [ECHO])["host"]["id"]
        reply = self.invoke(self.peer("tool"), host_id, "maya.echo", {"text": "hello"})
        self.assertEqual(reply["result"]["hostId"], host_id, reply)
        self.assertEqual(reply["result"]["result"]["echo"], "hello")
        request = host.requests_seen.get(timeout=WAIT)
        self.assertEqual(request["method"], "host.invoke")
        self.assertTrue(request["id"].startswith("s:"), request)
        self.assertEqual(reply["result"]["result"]["id"], request["params"]["invocationId"])

    def test_a_result_may_be_any_json_value(self):
        host = self.peer("maya")
        answers = iter(["done", 42, [1, "two"], None, {"nested": {"ok": True}}])
        host.handlers["maya.echo"] = lambda inv: next(answers)
        host_id = self.attach(host, [ECHO])["host"]["id"]
        tool = self.peer("tool")
        results = [self.invoke(tool, host_id, "maya.echo", {"text": "x"})["result"].get("result")
                   for _ in range(5)]
        self.assertEqual(results, ["done", 42, [1, "two"], None, {"nested": {"ok": True}}])

    def test_invoke_stream_ends_and_the_connection_keeps_serving(self):
        host = self.peer("maya")
        host.handlers["maya.echo"] = lambda inv: {"echo": inv["args"]["text"]}
        host_id = self.attach(host, [ECHO])["host"]["id"]
        tool = self.peer("tool")
        for round in range(3):
            reply = tool.call("pipebridge.v1.HostService/InvokeStream", {
                "host": {"hostId": host_id}, "command": "maya.echo", "args": {"text": str(round)}})
            self.assertEqual(reply.get("result"), {}, reply)
            stream = tool.notification("$/stream")["params"]["message"]
            self.assertEqual(stream["result"]["result"], {"echo": str(round)})
        self.assertIn("result", tool.call("pipebridge.v1.BridgeService/Ping", {"payload": "still here"}))

    def test_host_error_reaches_the_caller_with_its_code(self):
        host = self.peer("maya")

        def refuse(invocation):
            raise HostFailure(9, "no scene open")
        host.handlers["maya.echo"] = refuse
        host_id = self.attach(host, [ECHO])["host"]["id"]
        reply = self.invoke(self.peer("tool"), host_id, "maya.echo", {"text": "x"})
        self.assertEqual(reply["error"]["code"], 9, reply)
        self.assertIn("no scene open", reply["error"]["message"])

    def test_arguments_are_checked_against_the_schema_before_the_host(self):
        host = self.peer("maya")
        host.handlers["maya.echo"] = lambda inv: "reached"
        host_id = self.attach(host, [ECHO])["host"]["id"]
        reply = self.invoke(self.peer("tool"), host_id, "maya.echo", {"text": 5})
        self.assertEqual(reply["error"]["code"], 3, reply)
        self.assertIn("text", reply["error"]["message"])
        self.assertTrue(host.requests_seen.empty())

    def test_caller_deadline_cancels_the_invocation_at_the_host(self):
        host = self.peer("maya")
        host_id = self.attach(host, [SLEEP])["host"]["id"]  # no handler: never answers
        reply = self.invoke(self.peer("tool"), host_id, "maya.sleep", {}, timeout_ms=300)
        self.assertEqual(reply["error"]["code"], 4, reply)
        invocation_id = host.requests_seen.get(timeout=WAIT)["params"]["invocationId"]
        cancel = host.notification("host.cancel")
        self.assertEqual(cancel["params"]["invocationId"], invocation_id)

    def test_host_that_disconnects_fails_its_invocations_unavailable(self):
        host = self.peer("maya")
        host_id = self.attach(host, [SLEEP])["host"]["id"]
        caller = self.peer("tool")
        result = {}
        thread = threading.Thread(target=lambda: result.update(
            reply=self.invoke(caller, host_id, "maya.sleep", {}, timeout_ms=10000)))
        thread.start()
        host.requests_seen.get(timeout=WAIT)
        started = time.monotonic()
        host.close()
        thread.join(WAIT)
        self.assertEqual(result["reply"]["error"]["code"], 14, result)
        self.assertLess(time.monotonic() - started, 5)
        listed = caller.call("pipebridge.v1.HostService/ListHosts", {})
        self.assertEqual(listed["result"].get("hosts", []), [])

    def test_a_host_may_invoke_hosts_while_it_handles_an_invocation(self):
        maya = self.peer("maya")
        nuke = self.peer("nuke")
        ids = {}
        callers = []
        nuke.handlers["nuke.frame"] = lambda inv: callers.append(inv.get("callerHost")) or {"frame": 1001}
        # maya asks nuke, then itself, before it answers its own caller.
        maya.handlers["maya.inner"] = lambda inv: {"inner": True}

        def outer(invocation):
            from_nuke = self.invoke(maya, ids["nuke"], "nuke.frame", {})
            from_self = self.invoke(maya, ids["maya"], "maya.inner", {})
            return {"nuke": from_nuke["result"]["result"], "self": from_self["result"]["result"]}
        maya.handlers["maya.outer"] = outer
        ids["maya"] = self.attach(maya, [{"name": "maya.outer"}, {"name": "maya.inner"}])["host"]["id"]
        ids["nuke"] = self.attach(nuke, [{"name": "nuke.frame"}], application="nuke")["host"]["id"]
        reply = self.invoke(self.peer("tool"), ids["maya"], "maya.outer", {}, timeout_ms=10000)
        self.assertEqual(reply["result"]["result"], {"nuke": {"frame": 1001}, "self": {"inner": True}},
                         reply)
        # The bridge tells nuke which host asked: the call came on maya's connection.
        self.assertEqual(callers, [ids["maya"]])

    def test_heartbeat_update_commands_and_detach(self):
        host = self.peer("maya")
        host_id = self.attach(host, [ECHO])["host"]["id"]
        beat = host.call("host.heartbeat", {})
        self.assertIn("serverTime", beat["result"], beat)
        self.assertEqual(host.call("host.updateCommands", {"commands": [SLEEP]}), {
            "jsonrpc": "2.0", "id": host.next_id, "result": {}})
        tool = self.peer("tool")
        listed = tool.call("pipebridge.v1.HostService/ListHosts", {})["result"]["hosts"]
        self.assertEqual([c["name"] for c in listed[0]["commands"]], ["maya.sleep"])
        self.assertIn("result", host.call("host.detach", {}))
        deadline = time.monotonic() + WAIT
        while tool.call("pipebridge.v1.HostService/ListHosts", {})["result"].get("hosts"):
            self.assertLess(time.monotonic(), deadline, "the host stayed attached")
            time.sleep(0.05)
        # The connection stays usable, and may attach again.
        self.assertNotEqual(self.attach(host, [ECHO])["host"]["id"], host_id)

    def test_session_errors_are_precise(self):
        host = self.peer("maya")
        early = host.call("host.heartbeat", {})
        self.assertEqual(early["error"]["code"], 9, early)
        self.assertIn("host.attach", early["error"]["message"])
        bad = host.call("host.attach", {"application": "maya", "pidd": 1})
        self.assertEqual(bad["error"]["code"], -32602, bad)
        self.assertIn("pidd", bad["error"]["message"])
        self.attach(host, [ECHO])
        again = host.call("host.attach", {"application": "maya"})
        self.assertEqual(again["error"]["code"], 9, again)
        unknown = host.call("host.explode", {})
        self.assertEqual(unknown["error"]["code"], -32601, unknown)

    def test_attach_and_invocations_are_events(self):
        host = self.peer("maya")
        host.handlers["maya.echo"] = lambda inv: "ok"
        host_id = self.attach(host, [ECHO])["host"]["id"]
        tool = self.peer("tool")
        self.invoke(tool, host_id, "maya.echo", {"text": "x"})
        events = tool.call("pipebridge.v1.EventService/List", {"topics": ["host.*"]})["result"]["events"]
        topics = [e["topic"] for e in events]
        self.assertIn("host.attached", topics)
        self.assertTrue(any(t.startswith("host.invocation") for t in topics), topics)


if __name__ == "__main__":
    unittest.main()
