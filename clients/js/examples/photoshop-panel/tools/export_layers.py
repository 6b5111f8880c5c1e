#!/usr/bin/env python3
"""Asks the Photoshop panel to export the layers of its open document, from any Python
(standard library only: raw JSON-RPC over the bridge's TCP endpoint).

    export_layers.py FOLDER [--format png|jpg] [--discovery-dir DIR] [--timeout-ms N]

Prints the command's result as JSON; on failure prints the gRPC status and exits 1.
"""

import argparse
import json
import os
import socket
import sys


def discovery_file(folder):
    if folder:
        return os.path.join(folder, "bridge.json")
    if os.environ.get("PIPEBRIDGE_DISCOVERY_DIR"):
        return os.path.join(os.environ["PIPEBRIDGE_DISCOVERY_DIR"], "bridge.json")
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "pipebridge", "bridge.json")
    return os.path.join(os.path.expanduser("~"), ".pipebridge", "bridge.json")


class Bridge:
    """One JSON-RPC connection over TCP, one JSON message per line."""

    def __init__(self, address, token, timeout):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.next_id = 0
        self.call("$/initialize", {"token": token, "protocolVersion": 1,
                                   "client": {"name": "export_layers.py", "version": "0.1.0"}})

    def call(self, method, params):
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.sock.sendall(json.dumps(request).encode() + b"\n")
        while True:
            line = self.reader.readline()
            if not line:
                raise ConnectionError("the bridge closed the connection")
            reply = json.loads(line)
            if reply.get("id") != self.next_id:
                continue  # not ours (no other requests are in flight here)
            if "error" in reply:
                raise BridgeError(reply["error"])
            return reply["result"]


class BridgeError(Exception):
    def __init__(self, error):
        self.status = error.get("data", {}).get("status", str(error.get("code")))
        super().__init__("%s: %s" % (self.status, error.get("message", "")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="absolute folder the images go to")
    parser.add_argument("--format", choices=["png", "jpg"], default="png")
    parser.add_argument("--discovery-dir", help="folder of the bridge's bridge.json")
    parser.add_argument("--timeout-ms", type=int, default=60000)
    args = parser.parse_args()

    path = discovery_file(args.discovery_dir)
    try:
        with open(path) as f:
            discovery = json.load(f)
    except OSError as error:
        sys.exit("no bridge found (%s): %s" % (path, error.strerror))
    bridge = Bridge(discovery["endpoints"]["jsonrpc-tcp"], discovery["token"], args.timeout_ms / 1000 + 5)
    try:
        answer = bridge.call("pipebridge.v1.HostService/Invoke", {
            "host": {"query": {"application": "photoshop"}},
            "command": "photoshop.exportLayers",
            "args": {"folder": args.folder, "format": args.format},
            "$meta": {"timeoutMs": args.timeout_ms},
        })
    except BridgeError as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
