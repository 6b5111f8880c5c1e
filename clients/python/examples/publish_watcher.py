#!/usr/bin/env python3
"""Prints every new publish as one JSON line, the way a review tool or a Photoshop panel's
Python twin would follow them: a subscription to `publish.created` that survives bridge
restarts (it resumes after the last event it printed, so none is lost or repeated).

    python3 publish_watcher.py [--discovery-dir D] [--transport auto|grpc|tcp|ws]
                               [--type "Maya Scene"] [--count N] [--after-id EVENT_ID]

Prints `WATCHING` once subscribed, then `{"event", "id", "name", "version", "path", "type"}`
per publish; exits after --count publishes (0: until SIGTERM/SIGINT).
"""

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pipebridge  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--discovery-dir", help="folder of bridge.json (default: the standard one)")
    parser.add_argument("--transport", default="auto", choices=["auto", "grpc", "tcp", "ws"])
    parser.add_argument("--type", help="only publishes of this publish type")
    parser.add_argument("--count", type=int, default=0, help="exit after this many publishes")
    parser.add_argument("--after-id", default="0",
                        help="start after this event id (the last \"event\" a previous run printed) "
                             "instead of now")
    options = parser.parse_args(argv)

    bridge = pipebridge.connect(discovery_dir=options.discovery_dir, transport=options.transport)
    # publish.created carries the PublishedFile's changes, like entity events do.
    filters = [["payload.changes.published_file_type.new", "is", options.type]] if options.type else []
    events = bridge.events.subscribe(topics=["publish.created"], filters=filters, after_id=options.after_id)
    signal.signal(signal.SIGTERM, lambda *unused: events.cancel())
    print("WATCHING", flush=True)
    printed = 0
    try:
        for message in events:
            # The event names the publish; the PublishService gives it in its own shape.
            publish_id = message["event"]["payload"]["entity"]["id"]
            publish = bridge.publishes.get(id=publish_id)["publish"]
            print(json.dumps({"event": message["event"]["id"], "id": publish["id"], "name": publish["name"],
                              "version": publish["version"], "path": publish["path"],
                              "type": publish["publishType"]}), flush=True)
            printed += 1
            if options.count and printed >= options.count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        events.cancel()
        bridge.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
