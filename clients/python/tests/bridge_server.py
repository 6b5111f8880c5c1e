"""A real `pipebridge serve --demo` process per test, on ephemeral ports with private
discovery and project folders, restartable on the same ports with the same project (so the
event log persists) to test reconnection."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def pipebridge_binary():
    binary = os.environ.get("PIPEBRIDGE_BIN")
    if not binary:
        raise RuntimeError("PIPEBRIDGE_BIN is not set: point it at the pipebridge executable "
                           "(ctest sets it; by hand: PIPEBRIDGE_BIN=/path/to/pipebridge)")
    if not os.access(binary, os.X_OK):
        raise RuntimeError("PIPEBRIDGE_BIN=%s is not an executable file" % binary)
    return binary


class BridgeServer(object):
    def __init__(self):
        self.binary = pipebridge_binary()
        self.root = tempfile.mkdtemp(prefix="pipebridge-python-")
        self.discovery_dir = os.path.join(self.root, "discovery")
        self.project_dir = os.path.join(self.root, "project")
        self.discovery_path = os.path.join(self.discovery_dir, "bridge.json")
        self.log_path = os.path.join(self.root, "server.log")
        self.process = None
        self.discovery = None
        self.ports = {"grpc": "0", "http": "0", "tcp": "0"}

    def start(self, timeout=20.0):
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                [self.binary, "serve", "--demo", "--discovery-dir", self.discovery_dir,
                 "--project-dir", self.project_dir, "--grpc-port", self.ports["grpc"],
                 "--http-port", self.ports["http"], "--tcp-port", self.ports["tcp"]],
                stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("pipebridge exited with %s:\n%s" % (self.process.returncode, self.log()))
            try:
                with open(self.discovery_path) as stream:
                    discovery = json.load(stream)
                if discovery.get("pid") == self.process.pid:
                    self.discovery = discovery
                    self._remember_ports()
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        self.kill()
        raise RuntimeError("pipebridge wrote no discovery file within %ss:\n%s" % (timeout, self.log()))

    def _remember_ports(self):
        """A restart listens on the ports the first start picked."""
        endpoints = self.discovery["endpoints"]
        self.ports = {
            "grpc": endpoints["grpc"].rsplit(":", 1)[1],
            "http": endpoints["jsonrpc-ws"].split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[1],
            "tcp": endpoints["jsonrpc-tcp"].rsplit(":", 1)[1],
        }

    @property
    def token(self):
        return self.discovery["token"]

    def endpoint(self, transport):
        return self.discovery["endpoints"][transport]

    def url(self, transport):
        """A PIPEBRIDGE_URL for transport "tcp", "ws" or "grpc"."""
        name = {"tcp": "jsonrpc-tcp", "ws": "jsonrpc-ws", "grpc": "grpc"}[transport]
        address = self.endpoint(name)
        if transport == "ws":
            return "%s?token=%s" % (address, self.token)
        return "%s://%s?token=%s" % (transport, address, self.token)

    def log(self):
        try:
            with open(self.log_path, "rb") as stream:
                return stream.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def kill(self):
        """SIGKILL: the bridge dies without cleaning up (its discovery file stays, stale)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def terminate(self, timeout=7.0):
        """SIGTERM, then SIGKILL once the shutdown grace (5 s by default) is clearly over."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                sys.stderr.write("pipebridge did not stop within %ss of SIGTERM; killed\n" % timeout)
                self.kill()

    def restart(self, timeout=20.0):
        """Kills the bridge and starts it again on the same ports and project folder. Retries
        briefly while the kernel still holds a port."""
        self.kill()
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.start(timeout=max(1.0, deadline - time.monotonic()))
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def cleanup(self):
        self.terminate()
        shutil.rmtree(self.root, ignore_errors=True)
