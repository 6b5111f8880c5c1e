"""Offering commands to other applications: bridge.attach_host(...).

    host = bridge.attach_host("maya", application_version="2024")

    @host.command("maya.exportAlembic", title="Export Alembic",
                  args_schema={"type": "object", "required": ["frames"]})
    def export_alembic(args, invocation):
        invocation.progress(0.5, "writing")
        return {"path": "/shots/sh010/anim.abc"}

Each invocation runs on its own worker thread, through the host's dispatcher: give
dispatcher=pipebridge.main_thread_dispatcher() when commands touch the scene or the UI.
A handler returns any JSON value; raising pipebridge.InvalidArgument("...") (or any
BridgeError) reaches the caller as that status; any other exception as INTERNAL naming its
type. invocation.cancelled is set when the caller gives up.

The host stays attached across bridge restarts: when the connection is lost it attaches
again with backoff (a new host id; invocations in flight at the loss failed for their
callers with UNAVAILABLE).
"""

import json
import logging
import os
import threading

from .backoff import Backoff
from .dispatch import ThreadDispatcher
from .errors import FailedPrecondition, Unauthenticated, Unavailable, Unimplemented, to_jsonrpc_error

log = logging.getLogger("pipebridge")


class Invocation(object):
    """One call of a command: .invocation_id, .command, .args, .deadline (RFC 3339 text),
    .caller_host, .cancelled (threading.Event), .progress(fraction, message, data)."""

    def __init__(self, link, params):
        self._link = link  # the attachment it came through (answers go back the same way)
        self.invocation_id = params.get("invocationId", "")
        self.command = params.get("command", "")
        self.args = params.get("args") or {}
        self.deadline = params.get("deadline")
        self.caller_host = params.get("callerHost", "")
        self.cancelled = threading.Event()
        self.cancel_reason = None

    def progress(self, fraction=-1.0, message="", data=None):
        """Reports progress to InvokeStream callers (fraction 0..1, or -1 when unknown)."""
        if not self.cancelled.is_set():
            try:
                self._link.progress(self.invocation_id, float(fraction), message, data)
            except Unavailable:
                pass  # best effort: the caller already got UNAVAILABLE for this invocation


class CommandSpec(object):
    def __init__(self, name, handler, title="", description="", args_schema=None, result_schema=None):
        self.name = name
        self.handler = handler
        self.title = title
        self.description = description or (handler.__doc__ or "").strip()
        self.args_schema = args_schema
        self.result_schema = result_schema

    def to_wire(self):
        wire = {"name": self.name, "title": self.title or self.name, "description": self.description}
        if self.args_schema is not None:
            wire["argsSchema"] = self.args_schema
        if self.result_schema is not None:
            wire["resultSchema"] = self.result_schema
        return wire


class Host(object):
    """An attached application. .id is the bridge's host id (changes on re-attach);
    .info is the Host record the bridge answered."""

    def __init__(self, transport, closed_event, hello, dispatcher=None, call_timeout=30.0):
        self._transport = transport
        self._client_closed = closed_event
        self._hello = dict(hello)
        self._dispatcher = dispatcher or ThreadDispatcher()
        self._call_timeout = call_timeout
        self._lock = threading.Lock()
        self._commands = {}
        self._invocations = {}
        self._link = None
        self._detached = False
        self._attached_event = threading.Event()
        self.info = None
        self.lease_ms = None
        self.attach_count = 0
        self.on_attached = None  # optional callback(host) after every (re-)attach
        self._heartbeat_wakeup = threading.Event()

    # -- declaring commands ---------------------------------------------------------------

    def command(self, name, title="", description="", args_schema=None, result_schema=None):
        """Decorator: offers the function as command `name`."""
        def register(handler):
            self.add_command(name, handler, title, description, args_schema, result_schema)
            return handler
        return register

    def add_command(self, name, handler, title="", description="", args_schema=None, result_schema=None):
        if not callable(handler):
            raise TypeError("handler of command %r is not callable" % name)
        with self._lock:
            self._commands[name] = CommandSpec(name, handler, title, description, args_schema, result_schema)
        self._push_commands()

    def remove_command(self, name):
        with self._lock:
            self._commands.pop(name, None)
        self._push_commands()

    def _wire_commands(self):
        with self._lock:
            return [spec.to_wire() for spec in self._commands.values()]

    def _push_commands(self):
        link = self._link
        if link is not None and self._attached_event.is_set():
            link.update_commands(self._wire_commands(), self._call_timeout)

    # -- attachment -----------------------------------------------------------------------

    @property
    def id(self):
        return (self.info or {}).get("id")

    @property
    def attached(self):
        return self._attached_event.is_set()

    def wait_attached(self, timeout=None):
        """Waits for a (re-)attachment; True when attached within timeout."""
        return self._attached_event.wait(timeout)

    def attach(self):
        """Attaches now (attach_host calls it); raises the bridge's error if refused."""
        hello = dict(self._hello, commands=self._wire_commands())
        attached, link = self._transport.attach(hello, self, self._call_timeout)
        with self._lock:
            self._link = link
            self.info = attached.get("host") or {}
            self.lease_ms = int(attached.get("leaseMs") or 0)
            self.attach_count += 1
        self._attached_event.set()
        self._start_heartbeat(link)
        if self.on_attached is not None:
            try:
                self.on_attached(self)
            except Exception:
                log.exception("pipebridge: on_attached callback failed")
        return self

    def detach(self):
        """Detaches from the bridge (the client connection stays open)."""
        with self._lock:
            self._detached = True
            link, self._link = self._link, None
        self._attached_event.clear()
        self._heartbeat_wakeup.set()
        self._cancel_all("the host detached")
        if link is not None:
            try:
                link.detach(self._call_timeout)
            except Unavailable:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()

    # -- called by the transport link (reader thread: never block here) -------------------

    def on_invoke(self, params, link):
        """An invocation arrived through link. It may come before attach() returned (the
        bridge can invoke at once), so it is answered through its own link, not self._link."""
        invocation = Invocation(link, params)
        with self._lock:
            self._invocations[invocation.invocation_id] = invocation
        worker = threading.Thread(target=self._run_invocation, args=(invocation,),
                                  name="pipebridge-invoke-" + invocation.command)
        worker.daemon = True
        worker.start()

    def on_cancel(self, invocation_id, reason):
        with self._lock:
            invocation = self._invocations.get(invocation_id)
        if invocation is not None:
            invocation.cancel_reason = reason
            invocation.cancelled.set()

    def on_detached(self, error):
        """The link ended (connection lost, or the bridge stopped). Re-attach unless told not to."""
        with self._lock:
            self._link = None
        self._attached_event.clear()
        self._cancel_all("the connection to the bridge was lost")
        if self._detached or self._client_closed.is_set():
            return
        log.info("pipebridge: host %s detached (%s); attaching again", self.id, error)
        thread = threading.Thread(target=self._reattach, name="pipebridge-host-reattach")
        thread.daemon = True
        thread.start()

    # -- internals ------------------------------------------------------------------------

    def _run_invocation(self, invocation):
        with self._lock:
            spec = self._commands.get(invocation.command)
        result, error = None, None
        if spec is None:
            error = to_jsonrpc_error(Unimplemented("this host offers no command %r" % invocation.command))
        else:
            try:
                result = self._dispatcher.run(spec.handler, invocation.args, invocation)
                json.dumps(result, allow_nan=False)  # fail here, not inside the connection
            except Exception as exc:
                error = to_jsonrpc_error(exc)
                result = None
        with self._lock:
            self._invocations.pop(invocation.invocation_id, None)
        if invocation.cancelled.is_set():
            return
        try:
            invocation._link.answer(invocation.invocation_id, result=result, error=error)
        except Unavailable:
            pass  # the connection died: the bridge already failed this invocation

    def _cancel_all(self, reason):
        with self._lock:
            invocations, self._invocations = list(self._invocations.values()), {}
        for invocation in invocations:
            invocation.cancel_reason = reason
            invocation.cancelled.set()

    def _reattach(self):
        backoff = Backoff()
        while not self._detached and not self._client_closed.is_set():
            if self._client_closed.wait(backoff.next_delay()):
                return
            try:
                self.attach()
                log.info("pipebridge: host %s attached again as %s", self._hello.get("application"), self.id)
                return
            except (Unavailable, Unauthenticated):
                continue  # down, or restarting (its discovery file not rewritten yet)
            except FailedPrecondition:
                return  # the connection already has another host: nothing to resume
            except Exception:
                log.exception("pipebridge: re-attaching the host failed")
                return

    def _start_heartbeat(self, link):
        """Heartbeats every third of the lease, so two lost heartbeats still keep it."""
        interval = max(1.0, (self.lease_ms or 600000) / 3000.0)
        self._heartbeat_wakeup.clear()

        def beat():
            while not self._heartbeat_wakeup.wait(interval):
                if self._link is not link:
                    return
                try:
                    link.heartbeat(self._call_timeout)
                except Exception:
                    return  # the link's end is handled by on_detached

        thread = threading.Thread(target=beat, name="pipebridge-heartbeat")
        thread.daemon = True
        thread.start()


def default_hello(application, application_version="", display_name="", session_id="", user=""):
    return {
        "application": application,
        "applicationVersion": application_version,
        "pid": os.getpid(),
        "sessionId": session_id,
        "user": user or os.environ.get("USER") or os.environ.get("USERNAME") or "",
        "displayName": display_name or application,
    }
