"""pipebridge: the Python client of the studio pipeline bridge.

Standard library only (Python 3.7+, as Maya 2022+, Nuke 13+, Houdini 19+ and Blender 3+ ship
it); uses grpcio automatically when it imports. Quick start:

    import pipebridge
    bridge = pipebridge.connect()             # finds the bridge through its discovery file
    shots = bridge.entities.find(entity_type="Shot", fields=["code"])["entities"]

See clients/python/README.md.
"""

from .client import Bridge, __version__, connect, grpc_available
from .dispatch import (BlenderDispatcher, Dispatcher, HoudiniDispatcher, MayaDispatcher,
                       NukeDispatcher, QtDispatcher, QueueDispatcher, ThreadDispatcher,
                       main_thread_dispatcher)
from .errors import (Aborted, AlreadyExists, BridgeError, Cancelled, DataLoss, DeadlineExceeded,
                     FailedPrecondition, Internal, InvalidArgument, NotFound, OutOfRange,
                     PermissionDenied, ResourceExhausted, Unauthenticated, Unavailable,
                     Unimplemented, Unknown, error_class)
from .host import Host, Invocation
from .streams import Stream

__all__ = [
    "Bridge", "connect", "grpc_available", "__version__",
    "Dispatcher", "ThreadDispatcher", "QueueDispatcher", "QtDispatcher", "MayaDispatcher",
    "NukeDispatcher", "HoudiniDispatcher", "BlenderDispatcher", "main_thread_dispatcher",
    "BridgeError", "Cancelled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
    "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
    "error_class", "Host", "Invocation", "Stream",
]
