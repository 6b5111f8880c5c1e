"""Subscriptions as iterators and as callbacks: replay, live delivery, cancellation."""

import threading

import pytest

import pipebridge
from conftest import connect

SUBSCRIBE = "pipebridge.v1.EventService/Subscribe"
PUBLISH = "pipebridge.v1.EventService/Publish"


def publish(client, topic, **payload):
    return client.call(PUBLISH, {"topic": topic, "payload": payload})["event"]


def test_iterator_replays_then_goes_live(bridge, server, transport):
    topic = "python.stream.%s" % transport
    publisher = connect(server)
    try:
        before = publish(publisher, topic, n=1)
        with bridge.stream(SUBSCRIBE, {"topics": [topic], "afterId": str(int(before["id"]) - 1)}) as events:
            assert events.next(timeout=10)["event"]["id"] == before["id"]  # replayed
            live = publish(publisher, topic, n=2)
            message = events.next(timeout=10)
            assert message["event"]["id"] == live["id"] and message["event"]["payload"] == {"n": 2}
            assert events.last_event_id == live["id"]
    finally:
        publisher.close()


def test_callback_runs_off_the_reader_thread_and_may_call_the_bridge(bridge, server, transport):
    """A callback that calls the bridge would deadlock if it ran on the reader thread."""
    topic = "python.callback.%s" % transport
    seen, ended = [], threading.Event()
    done = threading.Event()

    def on_message(message):
        # A nested call from inside the callback, on the same connection.
        seen.append((message["event"]["payload"]["n"], bridge.call("pipebridge.v1.BridgeService/Ping",
                                                                   {"payload": "nested"})["payload"]))
        if len(seen) == 3:
            done.set()

    publisher = connect(server)
    try:
        first = publish(publisher, topic, n=1)
        # Replaying from just before the first event means no publish can race the subscribe.
        stream = bridge.stream(SUBSCRIBE, {"topics": [topic], "afterId": str(int(first["id"]) - 1)},
                               callback=on_message, on_end=lambda error: ended.set())
        for n in (2, 3):
            publish(publisher, topic, n=n)
        assert done.wait(10), seen
        assert seen == [(1, "nested"), (2, "nested"), (3, "nested")]
        with pytest.raises(TypeError):
            iter(stream)
        stream.cancel()
        assert ended.wait(10) and stream.error is None
    finally:
        publisher.close()


def test_cancel_stops_delivery_and_frees_the_call(bridge, server, transport):
    topic = "python.cancel.%s" % transport
    publisher = connect(server)
    try:
        first = publish(publisher, topic, n=1)
        events = bridge.stream(SUBSCRIBE, {"topics": [topic], "afterId": str(int(first["id"]) - 1)})
        assert events.next(timeout=10)["event"]["id"] == first["id"]
        events.cancel()
        publish(publisher, topic, n=2)
        with pytest.raises(StopIteration):
            events.next(timeout=10)
        with pytest.raises(StopIteration):  # the end stays visible
            events.next(timeout=1)
        assert events.done and events.error is None
        # The connection is still usable after the cancel.
        assert bridge.ping("after cancel") == "after cancel"
    finally:
        publisher.close()


def test_next_with_a_timeout_is_bounded(bridge):
    with bridge.stream(SUBSCRIBE, {"topics": ["python.silence"]}) as events:
        with pytest.raises(TimeoutError):
            events.next(timeout=0.2)
        assert not events.done


def test_surface_subscribe_returns_a_stream(bridge, server, transport):
    if not bridge.services:
        pytest.skip("this pipebridge binary does not answer rpc.discover yet")
    topic = "python.surface.%s" % transport
    publisher = connect(server)
    try:
        event = publish(publisher, topic, n=7)
        with bridge.events.subscribe(topics=[topic], after_id=str(int(event["id"]) - 1)) as events:
            assert isinstance(events, pipebridge.Stream)
            assert events.next(timeout=10)["event"]["payload"] == {"n": 7}
    finally:
        publisher.close()
