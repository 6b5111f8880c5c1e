"""The native gRPC transport, used when grpcio imports (Debian's python3-grpcio, or PyPI's).

Same API as the JSON-RPC transports: params and results are ProtoJSON dicts. Message classes
come from the server's own descriptors (server reflection, see reflection.py), and
google.protobuf.json_format converts, so no stubs are generated or shipped and a newer
server's RPCs are reachable at once.
"""

import logging
import queue
import threading

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from . import reflection
from .errors import (DeadlineExceeded, FailedPrecondition, InvalidArgument, Unavailable, Unimplemented,
                     from_grpc_error)
from .jsonrpc_transport import PROTOCOL_VERSION

log = logging.getLogger("pipebridge")

# Big messages are fine on loopback (a 4 MB cap is one of the prior art's failures).
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 64 * 1024 * 1024),
                    ("grpc.max_send_message_length", 64 * 1024 * 1024)]


def _message_class(pool_factory, descriptor):
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.22
        return message_factory.GetMessageClass(descriptor)
    return pool_factory.GetPrototype(descriptor)


def to_dict(message):
    """Canonical ProtoJSON, as the JSON-RPC transports answer: defaults printed, and whole
    numbers as ints (Struct numbers are doubles; the server prints 42, not 42.0, so ids and
    versions read the same on every transport)."""
    try:
        value = json_format.MessageToDict(message, including_default_value_fields=True)
    except TypeError:  # protobuf >= 26 renamed the option
        value = json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
    return _whole_numbers_as_ints(value)


def _whole_numbers_as_ints(value):
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if isinstance(value, dict):
        return {key: _whole_numbers_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers_as_ints(item) for item in value]
    return value


class Contract(object):
    """The services and message classes of the server, from reflection."""

    def __init__(self, channel, metadata, timeout):
        names = [n for n in reflection.list_services(channel, metadata, timeout) if n.startswith("pipebridge.")]
        files = reflection.file_descriptor_protos(channel, names, metadata, timeout)
        self.pool = descriptor_pool.DescriptorPool()
        self._factory = message_factory.MessageFactory(self.pool)
        self._add_files(files)
        self.services = [self.pool.FindServiceByName(n) for n in names]
        self.methods = {}
        for service in self.services:
            for method in service.methods:
                self.methods["%s/%s" % (service.full_name, method.name)] = method
        self._classes = {}

    def _add_files(self, serialized):
        protos = {}
        for data in serialized:
            proto = descriptor_pb2.FileDescriptorProto.FromString(data)
            protos[proto.name] = proto
        added = set()

        def add(name):
            if name in added:
                return
            added.add(name)
            proto = protos.get(name)
            if proto is None:  # a well-known type the server did not send: ours is the same file
                proto = descriptor_pb2.FileDescriptorProto()
                descriptor_pool.Default().FindFileByName(name).CopyToProto(proto)
            for dependency in proto.dependency:
                add(dependency)
            self.pool.Add(proto)

        for name in protos:
            add(name)

    def message_class(self, descriptor):
        if descriptor.full_name not in self._classes:
            self._classes[descriptor.full_name] = _message_class(self._factory, descriptor)
        return self._classes[descriptor.full_name]

    def method(self, full_name):
        method = self.methods.get(full_name)
        if method is None:
            raise Unimplemented("the bridge serves no RPC %r" % full_name, method=full_name)
        return method

    def request(self, method, params):
        """A request message from a ProtoJSON dict (both name styles); unknown fields refused
        with InvalidArgument, as the JSON-RPC adapter refuses them."""
        message = self.message_class(method.input_type)()
        try:
            json_format.ParseDict(params, message)
        except json_format.ParseError as error:
            raise InvalidArgument("%s: %s" % (method.input_type.full_name, error))
        return message


class GrpcTransport(object):
    kind = "grpc"

    def __init__(self, find_endpoint, connect_timeout):
        self._find_endpoint = find_endpoint
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._channel = None
        self._stale = False
        self._closed = False
        self.describe_with = None  # optional callable(timeout) -> rpc.discover document
        self.server_info = None  # GetInfo of the handshake
        self._use(find_endpoint())

    def _use(self, endpoint):
        """Points the transport at endpoint: a new channel when the address changed (grpcio
        reconnects a channel by itself, but only to the address it was made for)."""
        if self._channel is None or endpoint.address != self.endpoint.address:
            channel = grpc.insecure_channel(endpoint.address, options=_CHANNEL_OPTIONS)
            metadata = (("authorization", "Bearer " + endpoint.token),)
            try:
                contract = Contract(channel, metadata, self._connect_timeout)
            except grpc.RpcError as error:
                channel.close()
                raise from_grpc_error(error, "server reflection")
            old, self._channel, self.contract, self._callables = self._channel, channel, contract, {}
            if old is not None:
                old.close()
        self.endpoint = endpoint
        self._metadata = (("authorization", "Bearer " + endpoint.token),)

    def handshake(self, timeout):
        """GetInfo first (the contract says so): checks the token, which server reflection
        does not need, and refuses a server speaking another protocol version."""
        info = self.unary("pipebridge.v1.BridgeService/GetInfo", {}, timeout)
        if info.get("protocolVersion") != PROTOCOL_VERSION:
            raise FailedPrecondition("the bridge speaks protocolVersion %r, this client %d"
                                     % (info.get("protocolVersion"), PROTOCOL_VERSION))
        self.server_info = info

    def _refresh(self):
        """After UNAVAILABLE or UNAUTHENTICATED the bridge may have restarted with a new
        token (or ports): read the discovery file again before the next call."""
        with self._lock:
            if self._closed:
                raise Unavailable("the client was closed")
            if self._stale:
                self._use(self._find_endpoint())
                self._stale = False

    def _failed(self, rpc_error, method_name):
        error = from_grpc_error(rpc_error, method_name)
        if error.code in (14, 16):
            self._stale = True
        return error

    def _callable(self, method, kind):
        key = (method.full_name, kind)
        if key not in self._callables:
            path = "/%s/%s" % (method.containing_service.full_name, method.name)
            response_class = self.contract.message_class(method.output_type)
            factory = getattr(self._channel, kind)
            self._callables[key] = factory(path, request_serializer=lambda m: m.SerializeToString(),
                                           response_deserializer=response_class.FromString)
        return self._callables[key]

    def unary(self, method_name, params, timeout):
        self._refresh()
        method = self.contract.method(method_name)
        request = self.contract.request(method, params)
        try:
            response = self._callable(method, "unary_unary")(request, metadata=self._metadata, timeout=timeout)
        except grpc.RpcError as error:
            raise self._failed(error, method_name)
        return to_dict(response)

    def open_stream(self, method_name, params, timeout, sink):
        self._refresh()
        method = self.contract.method(method_name)
        request = self.contract.request(method, params)
        call = self._callable(method, "unary_stream")(request, metadata=self._metadata, timeout=timeout)

        def pump():
            try:
                for message in call:
                    sink.on_message(to_dict(message))
            except grpc.RpcError as error:
                sink.on_end(self._failed(error, method_name))
                return
            sink.on_end(None)

        thread = threading.Thread(target=pump, name="pipebridge-grpc-stream")
        thread.daemon = True
        thread.start()
        return call  # grpc's call object has cancel()

    def describe(self, timeout):
        """The server's rpc.discover document when describe_with can fetch it (it has the
        contract's descriptions), else one built from the reflection descriptors."""
        document = self.describe_with(timeout) if self.describe_with is not None else None
        return document or describe_contract(self.contract)

    def attach(self, hello, handler, timeout):
        self._refresh()
        link = GrpcHostLink(self, handler)
        return link.start(hello, timeout), link

    def close(self):
        with self._lock:
            self._closed = True
        self._channel.close()


class GrpcHostLink(object):
    """HostService/Attach as a bidirectional stream: requests are fed from a queue; a thread
    reads invocations, cancels and the attach answer."""

    _END = object()

    def __init__(self, transport, handler):
        self._transport = transport
        self._handler = handler
        self._contract = transport.contract
        self._method = self._contract.method("pipebridge.v1.HostService/Attach")
        self._outgoing = queue.Queue()
        self._attached = queue.Queue()
        self._answered = set()
        self._pending = set()
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._ack_waiters = []  # heartbeats are acknowledged in order
        self.closed = False
        self.established = False  # the bridge answered the hello

    def _send(self, params):
        if self.closed:
            raise Unavailable("the host is not attached", method="pipebridge.v1.HostService/Attach")
        self._outgoing.put(self._contract.request(self._method, params))

    def _requests(self):
        while True:
            item = self._outgoing.get()
            if item is self._END:
                return
            yield item

    def start(self, hello, timeout):
        self._send({"hello": hello})
        call = self._transport._callable(self._method, "stream_stream")
        self._call = call(self._requests(), metadata=self._transport._metadata)
        thread = threading.Thread(target=self._read, name="pipebridge-grpc-host")
        thread.daemon = True
        thread.start()
        try:
            outcome = self._attached.get(timeout=timeout)
        except queue.Empty:
            self._call.cancel()
            raise DeadlineExceeded("the bridge did not answer the host's hello within %ss" % timeout)
        if isinstance(outcome, Exception):
            raise outcome
        if self.closed:  # lost right after the answer: the caller retries
            raise Unavailable("the connection to the bridge was lost while attaching",
                              method="pipebridge.v1.HostService/Attach")
        return outcome

    def _read(self):
        error = None
        try:
            for response in self._call:
                message = to_dict(response)
                if "attached" in message:
                    with self._lock:
                        self.established = not self.closed
                    self._attached.put(message["attached"])
                elif "invocation" in message:
                    invocation = message["invocation"]
                    with self._lock:
                        self._pending.add(invocation.get("invocationId", ""))
                    self._handler.on_invoke(invocation, self)
                elif "heartbeatAck" in message:
                    with self._lock:
                        waiter = self._ack_waiters.pop(0) if self._ack_waiters else None
                    if waiter is not None:
                        waiter.set()
                elif "cancel" in message:
                    cancel = message["cancel"]
                    with self._lock:
                        known = cancel.get("invocationId", "") in self._pending
                        self._pending.discard(cancel.get("invocationId", ""))
                    if known:
                        self._handler.on_cancel(cancel.get("invocationId", ""), cancel.get("reason", ""))
        except grpc.RpcError as rpc_error:
            error = self._transport._failed(rpc_error, "pipebridge.v1.HostService/Attach")
        except Exception as other:
            log.exception("pipebridge: host stream failed")
            error = Unavailable(str(other))
        if error is None:
            error = Unavailable("the bridge ended the host's stream")
        self._attached.put(error)  # unblocks start() when the hello itself was refused
        with self._lock:
            # Report the loss once, and only for an established attachment: a refused or lost
            # hello reaches start()'s caller as the exception instead (never both).
            report = self.established and not self.closed
            self.closed = True
        self._outgoing.put(self._END)
        self._finished.set()
        if report:
            self._handler.on_detached(error)

    def answer(self, invocation_id, result=None, error=None):
        with self._lock:
            if invocation_id not in self._pending:
                return False
            self._pending.discard(invocation_id)
        outcome = {"invocationId": invocation_id}
        if error is not None:
            outcome["error"] = {"code": error.get("code", 2), "message": error.get("message", ""),
                                "details": error.get("data")}
        else:
            outcome["result"] = result
        self._send({"result": outcome})
        return True

    def progress(self, invocation_id, fraction, message, data):
        self._send({"progress": {"invocationId": invocation_id, "fraction": fraction,
                                 "message": message, "data": data or {}}})

    def heartbeat(self, timeout):
        """Sends a heartbeat and waits for its acknowledgement: the bridge handles a host's
        messages in order, so everything sent before it has been applied on return."""
        acknowledged = threading.Event()
        with self._lock:
            self._ack_waiters.append(acknowledged)
        self._send({"heartbeat": {}})
        if not acknowledged.wait(timeout):
            raise DeadlineExceeded("the bridge did not acknowledge a heartbeat within %ss" % timeout)

    def update_commands(self, commands, timeout):
        """Replaces the commands; returns once the bridge applied them (as host.updateCommands
        does over JSON-RPC), so an Invoke right after it finds them."""
        self._send({"updateCommands": {"commands": commands}})
        self.heartbeat(timeout)

    def detach(self, timeout):
        """Closing the request stream detaches the host (HostService/Attach); waits until the
        bridge ended the stream, so the host is gone from ListHosts when this returns."""
        with self._lock:
            self.closed = True
        self._outgoing.put(self._END)
        if not self._finished.wait(timeout):
            self._call.cancel()


# -- a discover-shaped document from descriptors (what rpc.discover answers over JSON-RPC) --

_SCALAR_TYPES = {
    "TYPE_DOUBLE": {"type": "number"}, "TYPE_FLOAT": {"type": "number"},
    "TYPE_INT64": {"type": "string"}, "TYPE_UINT64": {"type": "string"},
    "TYPE_SINT64": {"type": "string"}, "TYPE_FIXED64": {"type": "string"},
    "TYPE_SFIXED64": {"type": "string"},
    "TYPE_INT32": {"type": "integer"}, "TYPE_UINT32": {"type": "integer"},
    "TYPE_SINT32": {"type": "integer"}, "TYPE_FIXED32": {"type": "integer"},
    "TYPE_SFIXED32": {"type": "integer"},
    "TYPE_BOOL": {"type": "boolean"}, "TYPE_STRING": {"type": "string"},
    "TYPE_BYTES": {"type": "string"},
}


def _field_schema(field):
    type_name = descriptor_pb2.FieldDescriptorProto.Type.Name(field.type)
    if field.message_type is not None:
        if field.message_type.GetOptions().map_entry:
            return {"type": "object", "additionalProperties": _field_schema(field.message_type.fields_by_name["value"])}
        schema = {"$ref": "#/schemas/" + field.message_type.full_name}
    elif field.enum_type is not None:
        schema = {"type": "string", "enum": [v.name for v in field.enum_type.values]}
    else:
        schema = dict(_SCALAR_TYPES.get(type_name, {}))
    if field.label == field.LABEL_REPEATED:
        return {"type": "array", "items": schema}
    return schema


def describe_contract(contract):
    """Services, methods (with kind) and message schemas, named as rpc.discover names them.
    Reflection descriptors carry no comments, so descriptions stay empty over gRPC."""
    schemas, services = {}, []

    def add_schema(message):
        if message.full_name in schemas:
            return
        schemas[message.full_name] = {"type": "object", "additionalProperties": False, "properties": {}}
        properties = schemas[message.full_name]["properties"]
        for field in message.fields:
            properties[field.json_name] = _field_schema(field)
            if field.message_type is not None and not field.message_type.GetOptions().map_entry:
                add_schema(field.message_type)

    for service in contract.services:
        methods = []
        for method in service.methods:
            client_streams = getattr(method, "client_streaming", False)
            server_streams = getattr(method, "server_streaming", False)
            if not hasattr(method, "client_streaming"):  # protobuf < 4.23: read the proto
                proto = descriptor_pb2.MethodDescriptorProto()
                method.CopyToProto(proto)
                client_streams, server_streams = proto.client_streaming, proto.server_streaming
            kind = ("bidi_streaming" if client_streams else
                    "server_streaming" if server_streams else "unary")
            methods.append({"name": method.name, "method": "%s/%s" % (service.full_name, method.name),
                            "kind": kind, "request": method.input_type.full_name,
                            "response": method.output_type.full_name, "description": ""})
            add_schema(method.input_type)
            add_schema(method.output_type)
        services.append({"name": service.full_name, "description": "", "methods": methods})
    return {"protocolVersion": 1, "services": services, "schemas": schemas}

