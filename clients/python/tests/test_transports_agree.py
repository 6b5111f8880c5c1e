"""The client gives the same dicts on every transport, down to the JSON text (ints stay ints
over gRPC, int64 are strings, defaults printed), so a tool never depends on which one ran."""

import json

import pytest

import pipebridge
from conftest import TRANSPORTS, connect

CALLS = [
    ("pipebridge.v1.BridgeService/GetInfo", {}),
    ("pipebridge.v1.EntityService/Find", {"entityType": "Task", "fields": ["content", "entity", "step", "task_assignees"],
                                          "filters": [["sg_status_list", "in", ["ip", "wtg"]]]}),
    ("pipebridge.v1.EntityService/Summarize", {"entityType": "Shot", "summaryFields": [{"field": "sg_cut_out", "type": "sum"}],
                                               "grouping": [{"field": "sg_status_list"}]}),
    ("pipebridge.v1.EntityService/Schema", {"entityType": "Task"}),
    ("pipebridge.v1.TemplateService/Match", {"paths": ["/nowhere/at/all.ma"]}),
    ("pipebridge.v1.TemplateService/MissingKeys", {"template": "nuke_shot_work", "fields": {"Shot": "sh010"}}),
    ("pipebridge.v1.ContextService/FromEntity", {"entity": {"type": "Task", "id": 4}}),
    ("pipebridge.v1.EventService/List", {"afterId": "3", "limit": 5}),
]


@pytest.mark.skipif(len(TRANSPORTS) < 3, reason="grpcio does not import under this interpreter")
def test_every_transport_answers_the_same_json(server):
    clients = {transport: connect(server, transport) for transport in TRANSPORTS}
    try:
        for method, params in CALLS:
            answers = {t: json.dumps(c.call(method, params), sort_keys=True) for t, c in clients.items()}
            assert len(set(answers.values())) == 1, (method, answers)
        errors = {}
        for transport, client in clients.items():
            with pytest.raises(pipebridge.InvalidArgument) as caught:
                client.call("pipebridge.v1.TemplateService/Apply", {"template": "maya_shot_work", "fields": {}})
            errors[transport] = (caught.value.code, caught.value.message)
        assert len(set(errors.values())) == 1, errors
    finally:
        for client in clients.values():
            client.close()
