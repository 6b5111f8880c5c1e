"""A small RFC 6455 WebSocket client on the standard library, enough for JSON-RPC text
messages: the opening handshake (token passed as the `token.<TOKEN>` subprotocol, so the
connection is authenticated from the start), masked client frames, fragmented messages,
ping/pong and the closing handshake. No extensions (no permessage-deflate)."""

import base64
import hashlib
import os
import socket
import struct
import threading

from .errors import Unauthenticated, Unavailable
from .line_socket import open_tcp_socket

from urllib.parse import urlsplit

_ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
SUBPROTOCOL = "pipebridge.v1"

OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA

MAX_HANDSHAKE_BYTES = 64 * 1024


class WebSocketError(Exception):
    """The server broke the WebSocket protocol."""


def accept_key(key):
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _ACCEPT_GUID).digest()).decode("ascii")


def encode_frame(opcode, payload, fin=True, mask_key=None):
    """One client frame: clients must mask every frame (RFC 6455 section 5.3)."""
    mask_key = os.urandom(4) if mask_key is None else mask_key
    first = (0x80 if fin else 0) | opcode
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", first, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", first, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, length)
    return header + mask_key + mask(payload, mask_key)


def mask(payload, mask_key):
    """XOR with the 4-byte key, done on whole integers: a byte loop is far too slow in Python."""
    if not payload:
        return b""
    repeated = (mask_key * (len(payload) // 4 + 1))[:len(payload)]
    value = int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")
    return value.to_bytes(len(payload), "big")


class WebSocket(object):
    """A connected client WebSocket carrying text messages. Sends are serialised by a lock
    (one frame sequence at a time); one reader thread calls receive_text."""

    def __init__(self, sock, buffered=b""):
        self._sock = sock
        self._buffer = bytearray(buffered)
        self._send_lock = threading.Lock()
        self._closed = False
        self.close_reason = None  # why the server closed, when it said so

    @classmethod
    def connect(cls, url, token, timeout):
        parts = urlsplit(url)
        if parts.scheme != "ws":
            raise Unavailable("WebSocket URL %r: only ws:// on loopback is supported" % url)
        host = parts.hostname
        port = parts.port or 80
        sock = open_tcp_socket(host, port, timeout)
        try:
            buffered = _handshake(sock, parts, host, port, token)
        except Exception:
            sock.close()
            raise
        sock.settimeout(None)
        return cls(sock, buffered)

    def send_text(self, text):
        self._send(OP_TEXT, text.encode("utf-8"))

    def _send(self, opcode, payload):
        frame = encode_frame(opcode, payload)
        with self._send_lock:
            self._sock.sendall(frame)

    def receive_text(self):
        """The next text message, or None once the connection closed. Answers pings, and
        answers a close frame with one (the closing handshake)."""
        fragments = []
        message_opcode = None
        while True:
            frame = self._read_frame()
            if frame is None:
                return None
            fin, opcode, payload = frame
            if opcode == OP_PING:
                self._send_quietly(OP_PONG, payload)
            elif opcode == OP_PONG:
                pass
            elif opcode == OP_CLOSE:
                self._send_quietly(OP_CLOSE, payload[:2])
                self._closed = True
                if len(payload) >= 2:  # e.g. 1009: a message over the server's size limit
                    code = struct.unpack("!H", payload[:2])[0]
                    text = payload[2:].decode("utf-8", "replace")
                    self.close_reason = "the bridge closed the WebSocket (%d%s)" % (code, ": " + text if text else "")
                return None
            elif opcode in (OP_TEXT, OP_BINARY) or (opcode == OP_CONTINUATION and message_opcode):
                if opcode != OP_CONTINUATION:
                    if message_opcode is not None:
                        raise WebSocketError("new data frame inside a fragmented message")
                    message_opcode = opcode
                fragments.append(payload)
                if fin:
                    data = b"".join(fragments)
                    if message_opcode == OP_BINARY:
                        raise WebSocketError("binary message received; JSON-RPC is text only")
                    return data.decode("utf-8")
            else:
                raise WebSocketError("unexpected frame opcode %#x" % opcode)

    def _send_quietly(self, opcode, payload):
        try:
            self._send(opcode, payload)
        except OSError:
            pass

    def _read_exact(self, count):
        while len(self._buffer) < count:
            chunk = self._sock.recv(max(65536, count - len(self._buffer)))
            if not chunk:
                return None
            self._buffer += chunk
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    def _read_frame(self):
        header = self._read_exact(2)
        if header is None:
            return None
        first, second = header[0], header[1]
        if first & 0x70:
            raise WebSocketError("reserved bits set without a negotiated extension")
        length = second & 0x7F
        if length == 126:
            extended = self._read_exact(2)
            length = None if extended is None else struct.unpack("!H", extended)[0]
        elif length == 127:
            extended = self._read_exact(8)
            length = None if extended is None else struct.unpack("!Q", extended)[0]
        if length is None:
            return None
        mask_key = None
        if second & 0x80:  # servers must not mask, but unmasking costs nothing
            mask_key = self._read_exact(4)
            if mask_key is None:
                return None
        payload = self._read_exact(length)
        if payload is None:
            return None
        if mask_key:
            payload = mask(payload, mask_key)
        return bool(first & 0x80), first & 0x0F, payload

    def close(self):
        if not self._closed:
            self._closed = True
            self._send_quietly(OP_CLOSE, struct.pack("!H", 1000))
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


def _handshake(sock, parts, host, port, token):
    key = base64.b64encode(os.urandom(16)).decode("ascii")
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    host_header = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
    request = ("GET %s HTTP/1.1\r\n"
               "Host: %s\r\n"
               "Upgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: %s, token.%s\r\n"
               "\r\n") % (path, host_header, key, SUBPROTOCOL, token)
    sock.sendall(request.encode("ascii"))
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk:
            raise Unavailable("the bridge closed the WebSocket handshake")
        response += chunk
        if len(response) > MAX_HANDSHAKE_BYTES:
            raise Unavailable("WebSocket handshake answer too long")
    head, _, rest = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    code = status[1] if len(status) > 1 else "?"
    if code == "401":
        raise Unauthenticated("the bridge refused the token (WebSocket upgrade answered 401)")
    if code != "101":
        raise Unavailable("WebSocket upgrade refused: %s" % lines[0])
    if headers.get("sec-websocket-accept") != accept_key(key):
        raise WebSocketError("wrong Sec-WebSocket-Accept in the upgrade answer")
    if headers.get("sec-websocket-protocol") != SUBPROTOCOL:
        raise WebSocketError("the server did not select the %s subprotocol" % SUBPROTOCOL)
    return rest
