"""Starts a real pipebridge server process for an end-to-end test and finds it through
its discovery file, the way every client does."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time


class BridgeProcess:
    """A `pipebridge serve` on ephemeral ports with a private discovery folder."""

    def __init__(self, *extra_args):
        self.binary = os.environ["PIPEBRIDGE_BIN"]
        self.root = tempfile.mkdtemp(prefix="pipebridge-e2e-")
        self.discovery_dir = os.path.join(self.root, "discovery")
        self.discovery_path = os.path.join(self.discovery_dir, "bridge.json")
        self.log_path = os.path.join(self.root, "server.log")
        self.extra_args = list(extra_args)
        self.process = None
        self.discovery = None

    def start(self, timeout=20.0):
        # The child keeps its own descriptor of the log; ours closes at once.
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [self.binary, "serve", "--grpc-port", "0", "--http-port", "0", "--tcp-port", "0",
                 "--discovery-dir", self.discovery_dir] + self.extra_args,
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("pipebridge exited with %s:\n%s" % (self.process.returncode, self.log()))
            try:
                with open(self.discovery_path) as f:
                    self.discovery = json.load(f)
                if self.discovery.get("pid") == self.process.pid:
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("pipebridge wrote no discovery file within %ss:\n%s" % (timeout, self.log()))

    @property
    def token(self):
        return self.discovery["token"]

    def endpoint(self, transport):
        return self.discovery["endpoints"][transport]

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def terminate(self, timeout=15.0):
        """Sends SIGTERM and returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
