"""Running code on an application's main (UI) thread.

Maya, Nuke, Houdini, Blender and Qt tools may only touch their scene or widgets from the main
thread, but bridge messages arrive on the client's reader thread and host commands run on
worker threads. A Dispatcher's run(function, *args) executes function on the right thread,
waits, and returns its result (or raises its exception).

main_thread_dispatcher() detects the application lazily, at the call, by trying its module:
Maya (maya.utils.executeInMainThreadWithResult), Nuke (nuke.executeInMainThreadWithResult),
Houdini (hdefereval.executeInMainThreadWithResult), Blender (bpy.app.timers), then a running
Qt application (a QTimer in the main thread pumping a queue); outside all of them a
QueueDispatcher, whose queue the caller pumps from its own loop (or a thread pumps with
serve_forever). ThreadDispatcher runs on the calling thread, for code with no UI affinity.
"""

import importlib
import queue
import sys
import threading


class Dispatcher(object):
    """run(function, *args) on the dispatcher's thread; returns its result."""

    name = "dispatcher"

    def run(self, function, *args):
        raise NotImplementedError


class ThreadDispatcher(Dispatcher):
    """Runs on the calling thread (host commands then run concurrently on worker threads)."""

    name = "thread"

    def run(self, function, *args):
        return function(*args)


class _Outcome(object):
    __slots__ = ("done", "result", "error")

    def __init__(self):
        self.done = threading.Event()
        self.result = None
        self.error = None

    def complete(self, function, args):
        try:
            self.result = function(*args)
        except BaseException as error:  # handed to the waiting thread, which re-raises it
            self.error = error
        self.done.set()

    def get(self):
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.result


class QueueDispatcher(Dispatcher):
    """The plain-Python fallback: run() queues the call and waits until the owner thread pumps
    it. The owner is the thread that created the dispatcher (normally the main thread); run()
    from the owner itself calls inline, so it cannot deadlock waiting on itself."""

    name = "queue"

    def __init__(self):
        self._queue = queue.Queue()
        self._owner = threading.current_thread()
        self._stop = threading.Event()

    def run(self, function, *args):
        if threading.current_thread() is self._owner:
            return function(*args)
        outcome = _Outcome()
        self._queue.put((outcome, function, args))
        return outcome.get()

    def pump(self, timeout=0.0, limit=None):
        """Runs queued calls on this thread: waits up to timeout seconds for the first, then
        runs what is queued (at most limit). Returns how many ran. Call it from the
        application's idle loop or timer."""
        ran = 0
        block = timeout is not None and timeout > 0
        while limit is None or ran < limit:
            try:
                outcome, function, args = self._queue.get(block=block and ran == 0, timeout=timeout if block else None)
            except queue.Empty:
                break
            outcome.complete(function, args)
            ran += 1
        return ran

    def serve_forever(self, poll=0.05):
        """Pumps on this thread until stop() (makes the calling thread the owner)."""
        self._owner = threading.current_thread()
        while not self._stop.is_set():
            self.pump(timeout=poll)

    def stop(self):
        self._stop.set()


class MayaDispatcher(Dispatcher):
    name = "maya"

    def __init__(self, maya_utils):
        self._utils = maya_utils

    def run(self, function, *args):
        return self._utils.executeInMainThreadWithResult(function, *args)


class NukeDispatcher(Dispatcher):
    name = "nuke"

    def __init__(self, nuke):
        self._nuke = nuke

    def run(self, function, *args):
        if threading.current_thread() is threading.main_thread():
            return function(*args)  # Nuke's helper deadlocks when called from the main thread
        return self._nuke.executeInMainThreadWithResult(function, args=args)


class HoudiniDispatcher(Dispatcher):
    name = "houdini"

    def __init__(self, hdefereval):
        self._hdefereval = hdefereval

    def run(self, function, *args):
        if threading.current_thread() is threading.main_thread():
            return function(*args)
        return self._hdefereval.executeInMainThreadWithResult(function, *args)


class BlenderDispatcher(Dispatcher):
    """bpy.app.timers runs registered functions on Blender's main thread; the function
    returns None so it runs once."""

    name = "blender"

    def __init__(self, bpy):
        self._bpy = bpy

    def run(self, function, *args):
        if threading.current_thread() is threading.main_thread():
            return function(*args)
        outcome = _Outcome()

        def once():
            outcome.complete(function, args)
            return None

        self._bpy.app.timers.register(once, first_interval=0.0)
        return outcome.get()


class QtDispatcher(QueueDispatcher):
    """For any Qt application (Katana, Mari, 3ds Max, a standalone tool): a QTimer created in
    the Qt main thread pumps the queue every interval_ms. Create it on the main thread."""

    name = "qt"

    def __init__(self, qt_core, interval_ms=10):
        QueueDispatcher.__init__(self)
        self._timer = qt_core.QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(lambda: self.pump(limit=64))
        self._timer.start()


def _try_import(name):
    try:
        return importlib.import_module(name)
    except Exception:  # ImportError, or an application module that fails outside its app
        return None


def _qt_core_with_app():
    for binding in ("PySide6", "PySide2", "PyQt5", "PyQt6"):
        if binding + ".QtCore" not in sys.modules and binding not in sys.modules:
            continue  # only a binding the application already loaded: never start Qt ourselves
        core = _try_import(binding + ".QtCore")
        if core is not None and core.QCoreApplication.instance() is not None:
            return core
    return None


def main_thread_dispatcher():
    """The dispatcher for the application this interpreter runs in, detected now."""
    if "maya" in sys.modules or "maya.cmds" in sys.modules:
        maya_utils = _try_import("maya.utils")
        if maya_utils is not None and hasattr(maya_utils, "executeInMainThreadWithResult"):
            return MayaDispatcher(maya_utils)
    if "nuke" in sys.modules:
        nuke = _try_import("nuke")
        if nuke is not None and hasattr(nuke, "executeInMainThreadWithResult"):
            return NukeDispatcher(nuke)
    if "hou" in sys.modules:
        hdefereval = _try_import("hdefereval")
        if hdefereval is not None:
            return HoudiniDispatcher(hdefereval)
    if "bpy" in sys.modules:
        bpy = _try_import("bpy")
        if bpy is not None and hasattr(getattr(bpy, "app", None), "timers"):
            return BlenderDispatcher(bpy)
    qt_core = _qt_core_with_app()
    if qt_core is not None:
        return QtDispatcher(qt_core)
    return QueueDispatcher()
