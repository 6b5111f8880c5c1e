"""Fetches the server's descriptors through gRPC server reflection (grpc.reflection.v1alpha,
the version gRPC 1.51 serves), so the gRPC transport needs no generated stubs: message
classes are built from the descriptors at connect time.

The reflection messages are tiny; they are encoded and decoded here on the protobuf wire
format directly rather than through a descriptor of reflection.proto.
"""

from .errors import Unimplemented, error_for_status

REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"

# ServerReflectionRequest fields.
_FILE_BY_FILENAME = 3
_FILE_CONTAINING_SYMBOL = 4
_LIST_SERVICES = 7
# ServerReflectionResponse fields.
_FILE_DESCRIPTOR_RESPONSE = 4
_LIST_SERVICES_RESPONSE = 6
_ERROR_RESPONSE = 7


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_string_field(number, text):
    data = text.encode("utf-8")
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def decode_fields(data):
    """[(field number, value)] of a message: ints for varints, bytes for length-delimited."""
    fields, position = [], 0
    while position < len(data):
        key, position = _read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _read_varint(data, position)
        elif wire_type == 2:
            length, position = _read_varint(data, position)
            value, position = data[position:position + length], position + length
        elif wire_type == 1:
            value, position = data[position:position + 8], position + 8
        elif wire_type == 5:
            value, position = data[position:position + 4], position + 4
        else:
            raise ValueError("unsupported wire type %d in a reflection answer" % wire_type)
        fields.append((number, value))
    return fields


def _read_varint(data, position):
    result, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _reflect(channel, requests, metadata, timeout):
    call = channel.stream_stream(REFLECTION_METHOD, request_serializer=lambda b: b,
                                 response_deserializer=lambda b: b)
    return list(call(iter(requests), metadata=metadata, timeout=timeout))


def _answer(response):
    for number, value in decode_fields(response):
        if number == _ERROR_RESPONSE:
            error = dict(decode_fields(value))
            raise error_for_status(error.get(1, 2), (error.get(2) or b"").decode("utf-8", "replace"))
        if number in (_FILE_DESCRIPTOR_RESPONSE, _LIST_SERVICES_RESPONSE):
            return number, value
    raise Unimplemented("unexpected server reflection answer")


def list_services(channel, metadata, timeout):
    responses = _reflect(channel, [encode_string_field(_LIST_SERVICES, "")], metadata, timeout)
    _, value = _answer(responses[0])
    names = []
    for number, service in decode_fields(value):
        if number == 1:
            names += [v.decode("utf-8") for n, v in decode_fields(service) if n == 1]
    return names


def file_descriptor_protos(channel, symbols, metadata, timeout):
    """Serialized FileDescriptorProtos of the files defining symbols, with their
    dependencies (as the server sends them), deduplicated."""
    requests = [encode_string_field(_FILE_CONTAINING_SYMBOL, s) for s in symbols]
    files = []
    for response in _reflect(channel, requests, metadata, timeout):
        _, value = _answer(response)
        files += [v for n, v in decode_fields(value) if n == 1]
    seen, unique = set(), []
    for data in files:
        if data not in seen:
            seen.add(data)
            unique.append(data)
    return unique
