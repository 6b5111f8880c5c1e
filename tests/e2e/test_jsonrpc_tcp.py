"""A plain Python socket client (standard library only) reaches a real server over
JSON-RPC on TCP: handshake, calls into the demo project, errors, and a stream."""

import json
import socket
import subprocess
import unittest

from bridge_process import BridgeProcess


class JsonRpcTcpClient:
    def __init__(self, address, timeout=20):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.next_id = 0

    def send(self, message):
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def receive(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        return json.loads(line)

    def call(self, method, params=None):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message

    def close(self):
        self.reader.close()
        self.sock.close()


class JsonRpcTcpTest(unittest.TestCase):
    def setUp(self):
        self.bridge = BridgeProcess("--demo").start()
        self.addCleanup(self.bridge.stop)
        self.client = JsonRpcTcpClient(self.bridge.endpoint("jsonrpc-tcp"))
        self.addCleanup(self.client.close)

    def initialize(self):
        reply = self.client.call("$/initialize", {
            "token": self.bridge.token, "protocolVersion": 1,
            "client": {"name": "e2e", "version": "1"}})
        self.assertIn("result", reply, reply)
        return reply["result"]

    def test_calls_need_the_handshake(self):
        reply = self.client.call("pipebridge.v1.BridgeService/Ping", {"payload": "x"})
        self.assertEqual(reply["error"]["code"], 16, reply)
        self.assertEqual(reply["error"]["data"]["status"], "UNAUTHENTICATED")

    def test_discover_over_the_wire_equals_the_offline_document(self):
        self.initialize()
        reply = self.client.call("rpc.discover")
        self.assertIn("result", reply, reply)
        offline = json.loads(subprocess.run(
            [self.bridge.binary, "discover"], check=True, capture_output=True, timeout=30).stdout)
        self.assertEqual(reply["result"], offline)
        methods = [m["method"] for s in offline["services"] for m in s["methods"]]
        self.assertIn("pipebridge.v1.PublishService/Register", methods)

    def test_finds_demo_shots_and_names_bad_filters(self):
        self.assertEqual(self.initialize()["protocolVersion"], 1)
        reply = self.client.call("pipebridge.v1.EntityService/Find", {
            "entityType": "Shot",
            "filters": [["sg_sequence.Sequence.code", "is", "sq010"]],
            "fields": ["code"]})
        codes = sorted(e["code"] for e in reply["result"]["entities"])
        self.assertEqual(codes, ["sh010", "sh020", "sh030"])

        reply = self.client.call("pipebridge.v1.EntityService/Find", {
            "entity_type": "Shot", "filters": [["code", "iss", "sh010"]]})
        self.assertEqual(reply["error"]["code"], 3, reply)
        self.assertIn("filters[0][1]", reply["error"]["message"])

        reply = self.client.call("pipebridge.v1.EntityService/Find", {"entityType": "Shot", "colour": 1})
        self.assertEqual(reply["error"]["code"], -32602, reply)

    def test_subscription_replays_history_as_stream_notifications(self):
        self.initialize()
        self.client.next_id += 1
        request_id = self.client.next_id
        self.client.send({"jsonrpc": "2.0", "id": request_id, "method": "pipebridge.v1.EventService/Subscribe",
                          "params": {"topics": ["entity.Shot.created"], "fromBeginning": True}})
        shots = []
        while len(shots) < 6:
            message = self.client.receive()
            self.assertEqual(message.get("method"), "$/stream", message)
            self.assertEqual(message["params"]["id"], request_id)
            shots.append(message["params"]["message"]["event"])
        self.assertEqual([e["topic"] for e in shots], ["entity.Shot.created"] * 6)
        self.client.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}})
        while True:
            message = self.client.receive()
            if message.get("id") == request_id:
                self.assertEqual(message["error"]["code"], 1, message)  # CANCELLED
                break


if __name__ == "__main__":
    unittest.main()
