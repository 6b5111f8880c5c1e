"""Main-thread dispatch: each application's helper is detected from the modules the
application loaded (faked here, since the tests run outside Maya, Nuke, Houdini and
Blender); the plain-Python fallback is a queue the owner thread pumps."""

import sys
import threading
import types

import pytest

import pipebridge
from pipebridge import dispatch


@pytest.fixture
def fake_modules(monkeypatch):
    def install(**modules):
        for name, module in modules.items():
            monkeypatch.setitem(sys.modules, name, module)
    return install


def run_elsewhere(dispatcher, function, *args):
    """Calls dispatcher.run from a worker thread, as the client's threads do."""
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(value=dispatcher.run(function, *args)))
    worker.start()
    return worker, outcome


def test_outside_any_application_the_fallback_is_a_queue():
    assert isinstance(pipebridge.main_thread_dispatcher(), pipebridge.QueueDispatcher)


def test_queue_dispatcher_runs_on_the_pumping_thread_and_returns_the_result():
    dispatcher = pipebridge.QueueDispatcher()
    worker, outcome = run_elsewhere(dispatcher, lambda a, b: (threading.current_thread(), a + b), 2, 3)
    ran = 0
    for _ in range(100):
        ran += dispatcher.pump(timeout=0.05)
        if ran:
            break
    worker.join(5)
    assert ran == 1
    assert outcome["value"] == (threading.current_thread(), 5)


def test_queue_dispatcher_reraises_in_the_caller_and_runs_inline_on_its_owner():
    dispatcher = pipebridge.QueueDispatcher()
    assert dispatcher.run(lambda: threading.current_thread()) is threading.current_thread()
    errors = []

    def call():
        try:
            dispatcher.run(lambda: 1 / 0)
        except ZeroDivisionError as error:
            errors.append(error)

    worker = threading.Thread(target=call)
    worker.start()
    while worker.is_alive():
        dispatcher.pump(timeout=0.05)
    assert len(errors) == 1


def test_serve_forever_pumps_on_a_thread_until_stopped():
    dispatcher = pipebridge.QueueDispatcher()
    server = threading.Thread(target=dispatcher.serve_forever)
    server.start()
    try:
        assert dispatcher.run(lambda: threading.current_thread()) is server
    finally:
        dispatcher.stop()
        server.join(5)
    assert not server.is_alive()


def test_maya_is_detected_and_its_helper_used(fake_modules):
    calls = []
    utils = types.ModuleType("maya.utils")
    utils.executeInMainThreadWithResult = lambda function, *args: calls.append(args) or function(*args)
    maya = types.ModuleType("maya")
    maya.utils = utils
    fake_modules(maya=maya, **{"maya.utils": utils})
    dispatcher = pipebridge.main_thread_dispatcher()
    assert isinstance(dispatcher, pipebridge.MayaDispatcher)
    assert dispatcher.run(lambda x: x * 2, 21) == 42 and calls == [(21,)]


def test_nuke_is_detected_and_its_helper_used_off_the_main_thread(fake_modules):
    calls = []
    nuke = types.ModuleType("nuke")
    nuke.executeInMainThreadWithResult = lambda function, args=(): calls.append(args) or function(*args)
    fake_modules(nuke=nuke)
    dispatcher = pipebridge.main_thread_dispatcher()
    assert isinstance(dispatcher, pipebridge.NukeDispatcher)
    assert dispatcher.run(lambda: "inline") == "inline" and calls == []  # main thread: direct
    worker, outcome = run_elsewhere(dispatcher, lambda x: x + 1, 1)
    worker.join(5)
    assert outcome["value"] == 2 and calls == [(1,)]


def test_houdini_is_detected_through_hdefereval(fake_modules):
    hdefereval = types.ModuleType("hdefereval")
    hdefereval.executeInMainThreadWithResult = lambda function, *args: ("deferred", function(*args))
    fake_modules(hou=types.ModuleType("hou"), hdefereval=hdefereval)
    dispatcher = pipebridge.main_thread_dispatcher()
    assert isinstance(dispatcher, pipebridge.HoudiniDispatcher)
    worker, outcome = run_elsewhere(dispatcher, lambda: "cooked")
    worker.join(5)
    assert outcome["value"] == ("deferred", "cooked")


def test_blender_runs_through_a_one_shot_timer(fake_modules):
    registered = []
    bpy = types.ModuleType("bpy")
    bpy.app = types.SimpleNamespace(timers=types.SimpleNamespace(
        register=lambda function, first_interval: registered.append(function)))
    fake_modules(bpy=bpy)
    dispatcher = pipebridge.main_thread_dispatcher()
    assert isinstance(dispatcher, pipebridge.BlenderDispatcher)
    worker, outcome = run_elsewhere(dispatcher, lambda: threading.current_thread())
    for _ in range(100):  # Blender's main loop would fire the timer; this thread plays it
        if registered:
            break
        worker.join(0.05)
    assert registered and registered[0]() is None  # None: the timer does not repeat
    worker.join(5)
    assert outcome["value"] is threading.current_thread()


def test_an_application_module_that_fails_to_import_falls_back(fake_modules, monkeypatch):
    fake_modules(maya=types.ModuleType("maya"))  # maya loaded, but maya.utils is not importable
    monkeypatch.setattr(dispatch, "_try_import", lambda name: None)
    assert isinstance(pipebridge.main_thread_dispatcher(), pipebridge.QueueDispatcher)


def test_a_running_qt_application_gets_a_timer_pump(fake_modules):
    timers = []

    class FakeSignal(object):
        def __init__(self):
            self.slots = []

        def connect(self, slot):
            self.slots.append(slot)

    class FakeTimer(object):
        def __init__(self):
            self.timeout, self.interval, self.running = FakeSignal(), None, False
            timers.append(self)

        def setInterval(self, milliseconds):  # noqa: N802 (Qt's name)
            self.interval = milliseconds

        def start(self):
            self.running = True

    qt_core = types.ModuleType("PySide2.QtCore")
    qt_core.QTimer = FakeTimer
    qt_core.QCoreApplication = types.SimpleNamespace(instance=lambda: object())
    pyside = types.ModuleType("PySide2")
    pyside.QtCore = qt_core
    fake_modules(PySide2=pyside, **{"PySide2.QtCore": qt_core})
    dispatcher = pipebridge.main_thread_dispatcher()
    assert isinstance(dispatcher, pipebridge.QtDispatcher)
    assert timers and timers[0].running and timers[0].interval == 10
    worker, outcome = run_elsewhere(dispatcher, lambda: threading.current_thread())
    for _ in range(100):  # the Qt event loop would fire the timer on the main thread
        timers[0].timeout.slots[0]()
        worker.join(0.02)
        if not worker.is_alive():
            break
    assert outcome["value"] is threading.current_thread()
