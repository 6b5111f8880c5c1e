"""Invokes a host command through the bridge from another process, with the standard library
only (raw JSON-RPC over TCP): what a Python tool in Maya does to reach the Lua engine.

    python3 invoke_host.py DISCOVERY_DIR APPLICATION COMMAND ARGS_JSON
Prints the JSON-RPC response to HostService/Invoke as one line."""

import json
import os
import socket
import sys


def main():
    discovery_dir, application, command, args = sys.argv[1:5]
    with open(os.path.join(discovery_dir, "bridge.json")) as f:
        discovery = json.load(f)
    host, port = discovery["endpoints"]["jsonrpc-tcp"].rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=20)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")

    def call(request_id, method, params):
        message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        sock.sendall(json.dumps(message).encode() + b"\n")
        while True:
            reply = json.loads(reader.readline())
            if reply.get("id") == request_id:
                return reply

    init = call(1, "$/initialize", {"token": discovery["token"], "protocolVersion": 1,
                                    "client": {"name": "python-invoker", "version": "1"}})
    if "error" in init:
        print(json.dumps(init))
        return 1
    reply = call(2, "pipebridge.v1.HostService/Invoke", {
        "host": {"query": {"application": application}}, "command": command,
        "args": json.loads(args), "$meta": {"timeoutMs": 10000}})
    print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
