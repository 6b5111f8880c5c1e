"""A Python grpcio client (stubs generated at build time) finds a real server through its
discovery file and calls it; a reflection client lists its services."""

import os
import stat
import unittest

import grpc

from bridge_process import BridgeProcess
from health.v1 import health_pb2, health_pb2_grpc
from reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from pipebridge.v1 import bridge_pb2, bridge_pb2_grpc

CONTRACT_SERVICES = {
    "pipebridge.v1.BridgeService", "pipebridge.v1.EntityService",
    "pipebridge.v1.TemplateService", "pipebridge.v1.ContextService",
    "pipebridge.v1.PublishService", "pipebridge.v1.EventService",
    "pipebridge.v1.HostService",
}


class PythonGrpcioTest(unittest.TestCase):
    def setUp(self):
        self.bridge = BridgeProcess().start()
        self.addCleanup(self.bridge.stop)
        self.channel = grpc.insecure_channel(self.bridge.endpoint("grpc"))
        self.addCleanup(self.channel.close)
        self.auth = [("authorization", "Bearer " + self.bridge.token)]

    def test_discovery_file_is_private(self):
        mode = stat.S_IMODE(os.stat(self.bridge.discovery_path).st_mode)
        self.assertEqual(mode, 0o600)
        self.assertEqual(self.bridge.discovery["pid"], self.bridge.process.pid)
        self.assertEqual(self.bridge.discovery["protocolVersion"], 1)

    def test_get_info_with_the_discovered_token(self):
        stub = bridge_pb2_grpc.BridgeServiceStub(self.channel)
        info = stub.GetInfo(bridge_pb2.GetInfoRequest(), metadata=self.auth, timeout=10)
        self.assertEqual(info.version, self.bridge.discovery["version"])
        self.assertEqual(info.protocol_version, 1)
        self.assertEqual(info.pid, self.bridge.process.pid)
        self.assertEqual({e.transport: e.address for e in info.endpoints},
                         self.bridge.discovery["endpoints"])
        pong = stub.Ping(bridge_pb2.PingRequest(payload="from python"), metadata=self.auth, timeout=10)
        self.assertEqual(pong.payload, "from python")

    def test_calls_without_the_token_are_refused(self):
        stub = bridge_pb2_grpc.BridgeServiceStub(self.channel)
        with self.assertRaises(grpc.RpcError) as missing:
            stub.GetInfo(bridge_pb2.GetInfoRequest(), timeout=10)
        self.assertEqual(missing.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        with self.assertRaises(grpc.RpcError) as wrong:
            stub.GetInfo(bridge_pb2.GetInfoRequest(), metadata=[("authorization", "Bearer nope")], timeout=10)
        self.assertEqual(wrong.exception.code(), grpc.StatusCode.UNAUTHENTICATED)

    def test_health_answers_without_a_token(self):
        health = health_pb2_grpc.HealthStub(self.channel)
        reply = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
        self.assertEqual(reply.status, health_pb2.HealthCheckResponse.SERVING)

    def test_reflection_lists_every_service(self):
        reflection = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        replies = list(reflection.ServerReflectionInfo(iter([request]), metadata=self.auth, timeout=10))
        names = {s.name for s in replies[0].list_services_response.service}
        self.assertTrue(CONTRACT_SERVICES <= names, names)
        # ...and resolves a service to its file, so grpcurl-style tools can call it.
        request = reflection_pb2.ServerReflectionRequest(file_containing_symbol="pipebridge.v1.EntityService")
        replies = list(reflection.ServerReflectionInfo(iter([request]), metadata=self.auth, timeout=10))
        self.assertTrue(replies[0].file_descriptor_response.file_descriptor_proto)

    def test_sigterm_stops_cleanly_and_removes_the_discovery_file(self):
        self.assertEqual(self.bridge.terminate(), 0, self.bridge.log())
        self.assertFalse(os.path.exists(self.bridge.discovery_path))


if __name__ == "__main__":
    unittest.main()
