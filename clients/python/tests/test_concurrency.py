"""One client shared by many threads: the reader thread hands every answer to its own caller
while a stream is delivering on the same connection."""

import threading

from conftest import connect

THREADS = 8
CALLS_PER_THREAD = 40


def test_concurrent_calls_each_get_their_own_answer(bridge, server, transport):
    topic = "python.concurrency.%s" % transport
    publisher = connect(server)
    first = publisher.call("pipebridge.v1.EventService/Publish", {"topic": topic, "payload": {"n": 0}})["event"]["id"]
    stream = bridge.stream("pipebridge.v1.EventService/Subscribe",
                           {"topics": [topic], "afterId": str(int(first) - 1)})
    mismatches, failures = [], []
    start = threading.Barrier(THREADS + 1)

    def worker(index):
        start.wait(10)
        try:
            for call in range(CALLS_PER_THREAD):
                payload = "thread %d call %d" % (index, call)
                answer = bridge.call("pipebridge.v1.BridgeService/Ping", {"payload": payload})["payload"]
                if answer != payload:
                    mismatches.append((payload, answer))
                if call % 10 == 0:
                    publisher.call("pipebridge.v1.EventService/Publish",
                                   {"topic": topic, "payload": {"n": index * 100 + call + 1}})
        except Exception as error:  # reported below: a worker must not die silently
            failures.append(error)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in workers:
        thread.start()
    start.wait(10)
    for thread in workers:
        thread.join(60)
    try:
        assert not failures and not mismatches, (failures, mismatches[:5])
        expected = 1 + THREADS * (CALLS_PER_THREAD // 10)
        delivered = [stream.next(timeout=10)["event"]["payload"]["n"] for _ in range(expected)]
        assert sorted(delivered) == sorted([0] + [i * 100 + c + 1 for i in range(THREADS)
                                                  for c in range(0, CALLS_PER_THREAD, 10)])
    finally:
        stream.cancel()
        publisher.close()
