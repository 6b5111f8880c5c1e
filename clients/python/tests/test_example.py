"""The maya-like example host, as a real separate process: another client invokes its
commands through the bridge, and it registers publishes."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

import pipebridge

from conftest import connect

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "maya_like_host.py")


class ExampleHost(object):
    def __init__(self, server, *args):
        self.process = subprocess.Popen(
            [sys.executable, EXAMPLE, "--discovery-dir", server.discovery_dir] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.lines = []
        self._new_line = threading.Condition()
        reader = threading.Thread(target=self._read)
        reader.daemon = True
        reader.start()

    def _read(self):
        for line in self.process.stdout:
            with self._new_line:
                self.lines.append(line.rstrip("\n"))
                self._new_line.notify_all()

    def wait_for(self, prefix, timeout=20.0):
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line[len(prefix):].strip()
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise AssertionError("no %r line from the example; stderr:\n%s"
                                         % (prefix, self.process.stderr.read() if self.process.poll() is not None else ""))
                self._new_line.wait(remaining)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                return self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def example(server):
    host = ExampleHost(server, "--publish-on-start", "sh020")
    yield host
    host.stop()


def test_example_host_serves_commands_and_registers_publishes(example, server):
    host_id = example.wait_for("READY ")
    started = json.loads(example.wait_for("PUBLISHED "))
    assert started["path"].endswith("sequences/sq010/sh020/anim/publish/maya/sh020_main_v%03d.ma" % started["version"])

    caller = connect(server, "ws")
    try:
        pong = caller.hosts.invoke(host={"query": {"application": "maya"}}, command="maya.ping", args={"n": 1})
        assert pong == {"hostId": host_id, "result": {"pong": {"n": 1}, "thread": "main"}}
        answer = caller.hosts.invoke(host={"hostId": host_id}, command="maya.publishScene",
                                     args={"shot": "sh010", "name": "layoutcheck"}, timeout=20)["result"]
        publish = caller.publishes.get(id=answer["id"])["publish"]
        assert publish["path"] == answer["path"] and publish["version"] == answer["version"] == 1
        assert publish["context"]["entity"]["name"] == "sh010"
        assert publish["metadata"]["application"] == "maya"
        with pytest.raises(pipebridge.NotFound) as caught:
            caller.hosts.invoke(host={"hostId": host_id}, command="maya.publishScene", args={"shot": "sh999"})
        assert "sh999" in caught.value.message
    finally:
        caller.close()
    assert example.stop() == 0
