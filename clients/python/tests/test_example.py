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


WATCHER = os.path.join(os.path.dirname(EXAMPLE), "publish_watcher.py")


class ExampleProcess(object):
    """An example script as a real process; its stdout lines are collected as they come."""

    def __init__(self, server, script, *args):
        self.process = subprocess.Popen(
            [sys.executable, script, "--discovery-dir", server.discovery_dir] + list(args),
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

    def wait_for(self, prefix, timeout=20.0, index=0):
        """The rest of the index-th line starting with prefix (bounded wait)."""
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                matching = [line for line in self.lines if line.startswith(prefix)]
                if len(matching) > index:
                    return matching[index][len(prefix):].strip()
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise AssertionError("no %r line from the example; stderr:\n%s"
                                         % (prefix, self.process.stderr.read() if self.process.poll() is not None else ""))
                self._new_line.wait(remaining)

    def json_line(self, index, timeout=20.0):
        """The index-th JSON object line printed."""
        return json.loads("{" + self.wait_for("{", timeout, index))

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
    host = ExampleProcess(server, EXAMPLE, "--publish-on-start", "sh020")
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


def test_watcher_prints_publishes_registered_by_the_host(server):
    # A marker event fixes where the watcher starts, so no publish can race its subscription.
    marker = connect(server, "tcp")
    try:
        start = marker.call("pipebridge.v1.EventService/Publish", {"topic": "test.marker"})["event"]["id"]
    finally:
        marker.close()
    watcher = ExampleProcess(server, WATCHER, "--type", "Maya Scene", "--count", "2", "--transport", "tcp",
                             "--after-id", start)
    host = None
    try:
        watcher.wait_for("WATCHING")
        host = ExampleProcess(server, EXAMPLE, "--publish-on-start", "sh030")
        started = json.loads(host.wait_for("PUBLISHED "))
        first = watcher.json_line(0)
        assert (first["id"], first["path"], first["type"]) == (started["id"], started["path"], "Maya Scene")
        caller = connect(server, "tcp")
        try:  # a publish of another type is filtered out; the next Maya Scene is printed
            context = {"project": {"type": "Project", "id": 1}, "entity": {"type": "Shot", "id": 3}}
            caller.call("pipebridge.v1.PublishService/Register", {
                "path": "/elsewhere/comp_v001.nk", "name": "comp", "publishType": "Nuke Script", "context": context})
            second = caller.call("pipebridge.v1.PublishService/Register", {
                "path": "/elsewhere/anim_v001.ma", "name": "anim", "publishType": "Maya Scene", "context": context})
        finally:
            caller.close()
        printed = watcher.json_line(1)
        assert printed["id"] == second["publish"]["id"] and printed["name"] == "anim"
        assert int(printed["event"]) > int(first["event"])
        assert watcher.process.wait(timeout=20) == 0  # --count 2: done
    finally:
        watcher.stop()
        if host is not None:
            host.stop()
