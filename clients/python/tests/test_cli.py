"""python3 -m pipebridge, as a shell script would run it."""

import json
import os
import subprocess
import sys

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(server, *args, timeout=30):
    environment = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    return subprocess.run([sys.executable, "-m", "pipebridge", "--discovery-dir", server.discovery_dir,
                           "--transport", "tcp"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout, env=environment)


def test_call_prints_the_result_as_json(server):
    done = cli(server, "call", "pipebridge.v1.EntityService/Find",
               '{"entityType": "Sequence", "fields": ["code"]}')
    assert done.returncode == 0, done.stderr
    assert sorted(e["code"] for e in json.loads(done.stdout)["entities"]) == ["sq010", "sq020"]


def test_a_failed_call_exits_with_its_status_code(server):
    done = cli(server, "call", "pipebridge.v1.EntityService/Get", '{"entityType": "Shot", "id": 999}')
    assert done.returncode == 5
    assert done.stderr.strip() == "NOT_FOUND: Shot 999 not found"
    done = cli(server, "call", "pipebridge.v1.EntityService/Get", "[1]")
    assert done.returncode != 0 and "must be a JSON object" in done.stderr


def test_methods_lists_python_names(server):
    done = cli(server, "methods")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert ["pipebridge.v1.PublishService/FindLatest", "unary", "bridge.publishes.find_latest"] in rows
    assert ["pipebridge.v1.EventService/Subscribe", "server_streaming", "bridge.events.subscribe"] in rows


def test_subscribe_replays_and_stops_after_count(server):
    done = cli(server, "subscribe", "entity.Sequence.created", "--after-id", "1", "--count", "2")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["payload"]["changes"]["code"]["new"] for e in events] == ["sq010", "sq020"]
