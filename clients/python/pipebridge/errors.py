"""Typed exceptions, one per gRPC status code, and the single place where a wire error
(JSON-RPC error object or grpcio RpcError) becomes one of them.

Every error raised by a call is a BridgeError with .code (the gRPC status number),
.status (its name, "NOT_FOUND") and .message; catch the specific class you can handle:

    try:
        bridge.entities.get(entity_type="Shot", id=999)
    except pipebridge.NotFound as error:
        ...
"""

# gRPC status codes, as in grpc/include/grpcpp/impl/codegen/status_code_enum.h.
STATUS_NAMES = {
    0: "OK",
    1: "CANCELLED",
    2: "UNKNOWN",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    10: "ABORTED",
    11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    15: "DATA_LOSS",
    16: "UNAUTHENTICATED",
}
STATUS_CODES = {name: code for code, name in STATUS_NAMES.items()}

# JSON-RPC protocol failures happen before a call reaches its handler; the server also names
# a status for them in error.data, this table is only used when it does not.
_JSONRPC_PROTOCOL_CODES = {
    -32700: 3,   # parse error: the request was not JSON
    -32600: 3,   # invalid request
    -32601: 12,  # method not found
    -32602: 3,   # invalid params
    -32603: 13,  # internal error
}


class BridgeError(Exception):
    """A call to the bridge failed with a gRPC status.

    .code: the gRPC status number (5); .status: its name ("NOT_FOUND"); .message: the
    server's message; .details: the error details list (may be empty); .method: the RPC
    that failed, when known; .rpc_code: the JSON-RPC error code as received (JSON transports).
    """

    code = 2
    status = "UNKNOWN"

    def __init__(self, message, details=None, method=None, rpc_code=None):
        Exception.__init__(self, message)
        self.message = message
        self.details = list(details or [])
        self.method = method
        self.rpc_code = rpc_code

    def __str__(self):
        where = " (%s)" % self.method if self.method else ""
        return "%s: %s%s" % (self.status, self.message, where)


class Cancelled(BridgeError):
    code, status = 1, "CANCELLED"


class Unknown(BridgeError):
    code, status = 2, "UNKNOWN"


class InvalidArgument(BridgeError, ValueError):
    code, status = 3, "INVALID_ARGUMENT"


class DeadlineExceeded(BridgeError, TimeoutError):
    code, status = 4, "DEADLINE_EXCEEDED"


class NotFound(BridgeError, LookupError):
    code, status = 5, "NOT_FOUND"


class AlreadyExists(BridgeError):
    code, status = 6, "ALREADY_EXISTS"


class PermissionDenied(BridgeError):
    code, status = 7, "PERMISSION_DENIED"


class ResourceExhausted(BridgeError):
    code, status = 8, "RESOURCE_EXHAUSTED"


class FailedPrecondition(BridgeError):
    code, status = 9, "FAILED_PRECONDITION"


class Aborted(BridgeError):
    code, status = 10, "ABORTED"


class OutOfRange(BridgeError):
    code, status = 11, "OUT_OF_RANGE"


class Unimplemented(BridgeError, NotImplementedError):
    code, status = 12, "UNIMPLEMENTED"


class Internal(BridgeError):
    code, status = 13, "INTERNAL"


class Unavailable(BridgeError, ConnectionError):
    code, status = 14, "UNAVAILABLE"


class DataLoss(BridgeError):
    code, status = 15, "DATA_LOSS"


class Unauthenticated(BridgeError):
    code, status = 16, "UNAUTHENTICATED"


_CLASSES = {cls.code: cls for cls in (
    Cancelled, Unknown, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists,
    PermissionDenied, ResourceExhausted, FailedPrecondition, Aborted, OutOfRange,
    Unimplemented, Internal, Unavailable, DataLoss, Unauthenticated)}


def error_class(code):
    """The BridgeError subclass of a gRPC status number (Unknown for numbers outside 1..16)."""
    return _CLASSES.get(code, Unknown)


def error_for_status(code, message, details=None, method=None):
    return error_class(code)(message, details=details, method=method)


def from_jsonrpc_error(error, method=None):
    """Maps a JSON-RPC error object ({"code", "message", "data": {"status", "details"}})."""
    if not isinstance(error, dict):
        return Unknown("malformed error %r" % (error,), method=method)
    rpc_code = error.get("code")
    message = error.get("message") or ""
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    status = data.get("status")
    if status in STATUS_CODES:
        code = STATUS_CODES[status]
    elif isinstance(rpc_code, int) and 1 <= rpc_code <= 16:
        code = rpc_code
    else:
        code = _JSONRPC_PROTOCOL_CODES.get(rpc_code, 2)
    cls = error_class(code)
    return cls(message, details=data.get("details"), method=method, rpc_code=rpc_code)


def to_jsonrpc_error(exception):
    """The JSON-RPC error object a host sends back for a failed command: a BridgeError keeps
    its code; anything else is INTERNAL naming the exception type (never a traceback)."""
    if isinstance(exception, BridgeError):
        code, message = exception.code, exception.message
    else:
        code, message = 13, "%s: %s" % (type(exception).__name__, exception)
    return {"code": code, "message": message, "data": {"status": STATUS_NAMES.get(code, "UNKNOWN")}}


def from_grpc_error(rpc_error, method=None):
    """Maps a grpcio RpcError (a grpc.Call) to the same classes."""
    try:
        code = rpc_error.code().value[0]
        message = rpc_error.details() or ""
    except Exception:  # an RpcError that is not a Call: no status to read
        return Unknown(str(rpc_error), method=method)
    return error_for_status(code, message, method=method)
