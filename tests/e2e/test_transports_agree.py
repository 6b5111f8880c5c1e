"""The same calls over native gRPC (grpcio) and JSON-RPC over TCP give the same answers:
grpcio's response printed as ProtoJSON equals the JSON-RPC result. Request and response types
come from rpc.discover, so the comparison needs no per-method code either."""

import unittest

import grpc
from google.protobuf import json_format, symbol_database

from bridge_process import BridgeProcess
from test_jsonrpc_tcp import JsonRpcTcpClient
# Imported for their descriptors: the symbol database finds the messages by full name.
from pipebridge.v1 import (bridge_pb2, context_pb2, entities_pb2, events_pb2,  # noqa: F401
                           hosts_pb2, publishes_pb2, templates_pb2)

CALLS = [
    ("pipebridge.v1.BridgeService/GetInfo", {}),
    ("pipebridge.v1.BridgeService/Ping", {"payload": "x" * 200}),
    ("pipebridge.v1.EntityService/Find", {
        "entityType": "Shot", "filters": [["sg_sequence.Sequence.code", "in", ["sq010", "sq020"]]],
        "fields": ["code", "sg_sequence", "sg_cut_in"], "order": [{"fieldName": "code"}]}),
    ("pipebridge.v1.EntityService/Get", {"entityType": "Sequence", "id": 1, "fields": ["code"]}),
    ("pipebridge.v1.EntityService/Summarize", {
        "entityType": "Shot", "summaryFields": [{"field": "id", "type": "count"}],
        "grouping": [{"field": "sg_sequence"}]}),
    ("pipebridge.v1.EntityService/Schema", {"entityType": "Shot"}),
    ("pipebridge.v1.TemplateService/ListTemplates", {}),
    ("pipebridge.v1.TemplateService/Apply", {"template": "maya_shot_work", "fields": {
        "Sequence": "sq010", "Shot": "sh010", "Step": "anim", "name": "main", "version": 3,
        "maya_extension": "ma"}}),
    ("pipebridge.v1.ContextService/FromEntity", {"entity": {"type": "Shot", "id": 1}}),
    ("pipebridge.v1.EventService/List", {"topics": ["entity.*.created"], "limit": 20}),
    ("pipebridge.v1.HostService/ListHosts", {}),
]


class TransportsAgreeTest(unittest.TestCase):
    def setUp(self):
        self.bridge = BridgeProcess("--demo").start()
        self.addCleanup(self.bridge.stop)
        self.channel = grpc.insecure_channel(self.bridge.endpoint("grpc"))
        self.addCleanup(self.channel.close)
        self.jsonrpc = JsonRpcTcpClient(self.bridge.endpoint("jsonrpc-tcp"))
        self.addCleanup(self.jsonrpc.close)
        reply = self.jsonrpc.call("$/initialize", {"token": self.bridge.token, "protocolVersion": 1})
        self.assertIn("result", reply, reply)
        discovered = self.jsonrpc.call("rpc.discover")["result"]
        self.methods = {m["method"]: m for s in discovered["services"] for m in s["methods"]}

    def grpc_call(self, method, params):
        described = self.methods[method]
        symbols = symbol_database.Default()
        request_class = symbols.GetSymbol(described["request"])
        response_class = symbols.GetSymbol(described["response"])
        call = self.channel.unary_unary("/" + method, request_serializer=request_class.SerializeToString,
                                        response_deserializer=response_class.FromString)
        response = call(json_format.ParseDict(params, request_class()),
                        metadata=[("authorization", "Bearer " + self.bridge.token)], timeout=10)
        # The JSON transports print fields at their defaults too (clients see every field).
        return json_format.MessageToDict(response, including_default_value_fields=True)

    def test_every_call_answers_the_same_on_both_transports(self):
        for method, params in CALLS:
            with self.subTest(method=method):
                over_jsonrpc = self.jsonrpc.call(method, params)
                self.assertIn("result", over_jsonrpc, over_jsonrpc)
                self.assertTrue(over_jsonrpc["result"] or method.endswith("ListHosts"), over_jsonrpc)
                self.assertEqual(self.grpc_call(method, params), over_jsonrpc["result"])

    def test_errors_carry_the_same_code_and_message(self):
        params = {"entityType": "Shot", "filters": [["code", "iss", "sh010"]]}
        over_jsonrpc = self.jsonrpc.call("pipebridge.v1.EntityService/Find", params)
        with self.assertRaises(grpc.RpcError) as failure:
            self.grpc_call("pipebridge.v1.EntityService/Find", params)
        self.assertEqual(failure.exception.code().value[0], over_jsonrpc["error"]["code"])
        self.assertEqual(failure.exception.details(), over_jsonrpc["error"]["message"])


if __name__ == "__main__":
    unittest.main()
