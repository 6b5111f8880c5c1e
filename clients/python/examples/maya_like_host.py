#!/usr/bin/env python3
"""A "maya-like" DCC session: attaches to the bridge as host "maya", offers commands that
other applications invoke, and registers publishes, the way a Maya userSetup.py would.

Outside Maya there is no UI thread, so the script plays one: commands run through a
QueueDispatcher that the main loop pumps, exactly where Maya's executeInMainThreadWithResult
would run them (inside Maya, main_thread_dispatcher() returns that helper instead).

    python3 maya_like_host.py [--discovery-dir D] [--transport auto|grpc|tcp|ws]
                              [--publish-on-start SHOT] [--seconds N]

Prints `READY <host id>` once attached (and `PUBLISHED <json>` for --publish-on-start), then
serves until SIGTERM/SIGINT or --seconds pass. Commands:

  maya.publishScene {"shot": "sh010", "step": "anim", "name": "main"}
      reserves the next version, builds the path from the maya_shot_publish template,
      registers the publish and answers {"id", "version", "path"}.
  maya.ping {...}  answers {"pong": <the args>, "thread": "main"} (proves the main-thread hop).
  maya.notify {"from": "...", ...}  another application tells the artist something (an
      engine loaded a texture): prints `NOTIFIED <json>` and answers {"shown": true}.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pipebridge  # noqa: E402

PUBLISH_SCENE_ARGS = {
    "type": "object",
    "properties": {"shot": {"type": "string"}, "step": {"type": "string"}, "name": {"type": "string"}},
    "required": ["shot"],
}


class MayaLikeSession(object):
    def __init__(self, bridge):
        self.bridge = bridge
        self.main_thread = threading.current_thread()

    def context_of(self, shot_code, step_code):
        shots = self.bridge.entities.find(entity_type="Shot", filters=[["code", "is", shot_code]])["entities"]
        if not shots:
            raise pipebridge.NotFound("no shot %r in this project" % shot_code)
        context = self.bridge.context.from_entity(entity={"type": "Shot", "id": shots[0]["id"]})["context"]
        steps = self.bridge.entities.find(entity_type="Step", filters=[["code", "is", step_code]])["entities"]
        if not steps:
            raise pipebridge.InvalidArgument("no pipeline step %r" % step_code)
        context["step"] = {"type": "Step", "id": steps[0]["id"]}
        return context

    def publish_scene(self, args, invocation=None):
        """Registers the open scene as the next version of a Maya Scene publish."""
        shot, step, name = args["shot"], args.get("step", "anim"), args.get("name", "main")
        context = self.context_of(shot, step)
        version = self.bridge.publishes.reserve_version(context=context, name=name,
                                                        publish_type="Maya Scene")["version"]
        if invocation is not None:
            invocation.progress(0.5, "version %d reserved" % version)
        fields = self.bridge.context.to_fields(context=context, template="maya_shot_publish")["fields"]
        fields.update(name=name, version=version, maya_extension="ma")
        path = self.bridge.templates.apply(template="maya_shot_publish", fields=fields)["path"]
        publish = self.bridge.publishes.register(
            path=path, name=name, publish_type="Maya Scene", version=version, context=context,
            template="maya_shot_publish", metadata={"application": "maya", "frames": [1001, 1048]},
            description="published by the maya-like example host")["publish"]
        return {"id": publish["id"], "version": publish["version"], "path": publish["path"]}

    def notify(self, args, invocation):
        """Shows what another application reports; a real Maya would use inViewMessage."""
        print("NOTIFIED %s" % json.dumps(args, sort_keys=True), flush=True)
        return {"shown": True}

    def ping(self, args, invocation):
        on_main = threading.current_thread() is self.main_thread
        return {"pong": args, "thread": "main" if on_main else threading.current_thread().name}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--discovery-dir", help="folder of bridge.json (default: the standard one)")
    parser.add_argument("--transport", default="auto", choices=["auto", "grpc", "tcp", "ws"])
    parser.add_argument("--publish-on-start", metavar="SHOT", help="register one publish of SHOT at start")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until signalled)")
    options = parser.parse_args(argv)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *unused: stop.set())

    bridge = pipebridge.connect(discovery_dir=options.discovery_dir, transport=options.transport)
    session = MayaLikeSession(bridge)
    ui_thread = pipebridge.main_thread_dispatcher()  # a QueueDispatcher outside Maya
    host = bridge.attach_host("maya", application_version="2024", display_name="Maya 2024 (example)",
                              dispatcher=ui_thread)
    host.add_command("maya.publishScene", session.publish_scene, title="Publish scene",
                     args_schema=PUBLISH_SCENE_ARGS)
    host.add_command("maya.ping", session.ping, title="Ping")
    host.add_command("maya.notify", session.notify, title="Notify the artist",
                     args_schema={"type": "object", "properties": {"from": {"type": "string"}},
                                  "required": ["from"]})
    print("READY %s" % host.id, flush=True)

    if options.publish_on_start:
        print("PUBLISHED %s" % json.dumps(session.publish_scene({"shot": options.publish_on_start})), flush=True)

    deadline = time.monotonic() + options.seconds if options.seconds else None
    while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
        if hasattr(ui_thread, "pump"):
            ui_thread.pump(timeout=0.05)  # Maya's idle loop would do this
        else:
            stop.wait(0.05)
    host.detach()
    bridge.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
