"""JSON-RPC over TCP framing: one JSON message per line (adapters/jsonrpc/README.md).

A MessageSocket offers send_text / receive_text / close; websocket.py offers the same, so the
JSON-RPC session above them does not know which one it runs on.
"""

import socket
import threading

from .errors import Unavailable


def open_tcp_socket(host, port, timeout):
    """A connected TCP socket with TCP_NODELAY (Nagle would stall small messages by 40 ms)."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except (OSError, socket.timeout) as error:
        raise Unavailable("cannot connect to the bridge at %s:%s: %s" % (host, port, error))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class LineSocket(object):
    """Newline-delimited text messages over a TCP socket. Sends are serialised by a lock so
    several threads may send; one reader thread calls receive_text."""

    def __init__(self, sock):
        self._sock = sock
        self._sock.settimeout(None)  # the reader blocks; close() unblocks it
        self._reader = sock.makefile("rb")
        self._send_lock = threading.Lock()

    @classmethod
    def connect(cls, host, port, timeout):
        return cls(open_tcp_socket(host, port, timeout))

    def send_text(self, text):
        if "\n" in text:
            # json.dumps never emits a raw newline; anything else would split the message.
            raise ValueError("a line message cannot contain a newline")
        data = text.encode("utf-8") + b"\n"
        with self._send_lock:
            self._sock.sendall(data)

    def receive_text(self):
        """The next message, or None once the server closed the connection."""
        while True:
            line = self._reader.readline()
            if not line:
                return None
            line = line.rstrip(b"\r\n")
            if line:
                return line.decode("utf-8")

    def close(self):
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
