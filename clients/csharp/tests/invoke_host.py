"""Invokes a host command through the bridge from another language: plain Python over
JSON-RPC TCP (standard library only). Prints the JSON-RPC answer on one line.

    python3 invoke_host.py <jsonrpc-tcp address> <token> <application> <command> <args JSON> [timeoutMs]
"""
import json
import socket
import sys


def main():
    address, token, application, command, args = sys.argv[1:6]
    timeout_ms = int(sys.argv[6]) if len(sys.argv) > 6 else 10000
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout_ms / 1000 + 10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")

    def call(request_id, method, params):
        sock.sendall(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}).encode() + b"\n")
        while True:
            line = reader.readline()
            if not line:
                raise SystemExit("the bridge closed the connection")
            message = json.loads(line)
            if message.get("id") == request_id:
                return message

    hello = call(1, "$/initialize", {"token": token, "protocolVersion": 1, "client": {"name": "invoke_host.py", "version": "1"}})
    if "error" in hello:
        raise SystemExit("handshake failed: %s" % hello["error"])
    answer = call(2, "pipebridge.v1.HostService/Invoke", {
        "host": {"query": {"application": application}}, "command": command, "args": json.loads(args),
        "$meta": {"timeoutMs": timeout_ms}})
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
