"""Run by test_stdlib_only.py in an interpreter that sees only the standard library and the
pipebridge package (python -I -S, sys.path trimmed): proves the client needs nothing else.
Prints one JSON report line; exits non-zero on any failure."""

import json
import sys


def main(discovery_dir):
    report = {"path": list(sys.path)}
    try:
        import grpc  # noqa: F401
        report["grpc_importable"] = True
    except ImportError:
        report["grpc_importable"] = False
    import pipebridge

    report["grpc_available"] = pipebridge.grpc_available()
    bridge = pipebridge.connect(discovery_dir=discovery_dir, timeout=10)  # "auto" must pick JSON-RPC
    report["auto_transport"] = bridge.transport
    report["ping"] = bridge.ping("stdlib")
    shots = bridge.call("pipebridge.v1.EntityService/Find", {"entityType": "Shot", "fields": ["code"]})
    report["shots"] = sorted(e["code"] for e in shots["entities"])
    try:
        bridge.call("pipebridge.v1.EntityService/Get", {"entityType": "Shot", "id": 999})
    except pipebridge.NotFound as error:
        report["not_found"] = error.status
    bridge.close()

    ws = pipebridge.connect(discovery_dir=discovery_dir, transport="ws", timeout=10)
    report["ws_ping"] = ws.ping("over websocket")
    with ws.stream("pipebridge.v1.EventService/Subscribe",
                   {"topics": ["entity.Shot.created"], "fromBeginning": True}) as events:
        report["replayed"] = events.next(timeout=10)["event"]["topic"]
    report["ws_services"] = sorted(ws.services)
    ws.close()
    report["modules"] = sorted(name for name in sys.modules if name.split(".")[0] in ("grpc", "google"))
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
