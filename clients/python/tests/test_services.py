"""One real call per service through the typed surface, over every transport, with
assertions on the demo project's answers."""

import os

import pytest

from conftest import require_surface


@pytest.fixture
def api(bridge):
    require_surface(bridge)
    return bridge


def test_bridge_service_identifies_the_server(api, server):
    info = api.bridge.get_info()
    assert info["version"] == server.discovery["version"]
    assert info["protocolVersion"] == 1
    assert info["pid"] == server.process.pid
    assert {e["transport"]: e["address"] for e in info["endpoints"]} == server.discovery["endpoints"]
    assert api.bridge.ping(payload="héllo ✓")["payload"] == "héllo ✓"
    assert api.ping("plain") == "plain"


def test_entities_find_filters_through_links(api):
    found = api.entities.find(entity_type="Shot", filters=[["sg_sequence.Sequence.code", "is", "sq010"]],
                              fields=["code"], order=[{"field_name": "code", "direction": "SORT_DIRECTION_DESC"}])
    assert [e["code"] for e in found["entities"]] == ["sh030", "sh020", "sh010"]
    assert found["hasMore"] is False
    shot = api.entities.get(entity_type="Shot", id=found["entities"][0]["id"], fields=["code", "sg_cut_out"])
    assert shot["entity"]["code"] == "sh030"
    assert shot["entity"]["sg_cut_out"] == 1036  # a whole number on every transport


def test_entities_create_update_delete_revive(api, transport):
    code = "python_%s_prop" % transport
    created = api.entities.create(entity_type="Asset", data={"code": code, "sg_asset_type": "Prop"})
    asset_id = created["entity"]["id"]
    updated = api.entities.update(entity_type="Asset", id=asset_id, data={"description": "from python"})
    assert updated["entity"]["description"] == "from python"
    assert api.entities.delete(entity_type="Asset", id=asset_id)["retired"] is True
    assert api.entities.revive(entity_type="Asset", id=asset_id)["revived"] is True
    schema = api.entities.schema(entity_type="Asset")
    assert "code" in [f["name"] for f in schema["entityTypes"][0]["fields"]]


def test_templates_apply_parse_and_explain(api, server):
    fields = {"Sequence": "sq010", "Shot": "sh010", "Step": "anim", "name": "main", "version": 3,
              "maya_extension": "ma"}
    path = api.templates.apply(template="maya_shot_work", fields=fields)["path"]
    assert path.endswith("sequences/sq010/sh010/anim/work/maya/sh010_main_v003.ma")
    assert path.startswith(server.project_dir)
    assert api.templates.parse(template="maya_shot_work", path=path)["fields"] == fields
    explained = api.templates.explain(template="maya_shot_work", path=path.replace("_v003", "_vXYZ"))
    assert explained["matches"] is False and explained["key"] == "version"
    names = [t["name"] for t in api.templates.list_templates()["templates"]]
    assert "maya_shot_work" in names


def test_context_from_path_entity_and_round_trip(api, server):
    path = os.path.join(server.project_dir, "projects/demo/sequences/sq010/sh010/comp/work/nuke/sh010_main_v001.nk")
    from_path = api.context.from_path(path=path)
    assert from_path["template"] == "nuke_shot_work"
    assert from_path["context"]["entity"]["name"] == "sh010"
    assert from_path["context"]["step"]["name"] == "comp"
    context = from_path["context"]
    serialized = api.context.serialize(context=context)["serialized"]
    assert api.context.deserialize(serialized=serialized)["context"]["entity"] == context["entity"]
    shot = api.context.from_entity(entity=context["entity"])["context"]
    assert shot["project"]["name"] == "Demo"


def test_publishes_register_reserve_and_find_latest(api, transport):
    context = {"project": {"type": "Project", "id": 1}, "entity": {"type": "Shot", "id": 2}}
    name = "python_%s_anim" % transport
    first = api.publishes.register(path="/publishes/%s_v001.ma" % name, name=name, publish_type="Maya Scene",
                                   context=context, metadata={"frames": [1001, 1072]})["publish"]
    assert first["version"] == 1 and first["metadata"] == {"frames": [1001, 1072]}
    reserved = api.publishes.reserve_version(context=context, name=name, publish_type="Maya Scene")
    assert reserved["version"] == 2
    second = api.publishes.register(path="/publishes/%s_v002.ma" % name, name=name, publish_type="Maya Scene",
                                    version=2, context=context, dependencies=[{"id": first["id"]}])["publish"]
    latest = api.publishes.find_latest(context=context, name=name)["publishes"]
    assert [p["id"] for p in latest] == [second["id"]]
    upstream = api.publishes.upstream(id=second["id"])["publishes"]
    assert [(r["publish"]["id"], r["depth"]) for r in upstream] == [(first["id"], 1)]
    assert api.publishes.get(path="/publishes/%s_v001.ma" % name)["publish"]["id"] == first["id"]


def test_events_publish_then_list(api, transport):
    topic = "python.%s.listed" % transport
    event = api.events.publish(topic=topic, payload={"shot": "sh010"})["event"]
    assert isinstance(event["id"], str) and int(event["id"]) > 0  # int64 is a string in ProtoJSON
    listed = api.events.list(topics=[topic])["events"]
    assert [(e["id"], e["payload"]) for e in listed] == [(event["id"], {"shot": "sh010"})]


def test_hosts_list_filters_by_application(api):
    hosts = api.hosts.list_hosts(application="no-such-application")
    assert hosts == {"hosts": []}


def test_every_contract_service_has_an_attribute(api, transport):
    assert set(api.services) >= {"bridge", "entities", "templates", "context", "publishes", "events", "hosts"}
    assert callable(api.publishes.stale_if_republished)
    assert "pipebridge.v1.EntityService/Find" in api.entities.find.__doc__
    assert "entity_type" in api.entities.find.__doc__
    # The contract's own descriptions, on every transport (gRPC fetches them via rpc.discover).
    assert api.entities.find.__doc__.startswith("Entities of one type matching filters, ordered and paged.")
    assert "Entity type to search" in api.entities.find.__doc__


def test_grpc_surface_falls_back_to_reflection_names(server):
    """Without a JSON-RPC endpoint to ask, the gRPC surface still has every RPC (names and
    request fields from the descriptors), only without descriptions."""
    import pipebridge
    if not pipebridge.grpc_available():
        pytest.skip("grpcio does not import under this interpreter")
    from pipebridge.grpc_transport import GrpcTransport
    from pipebridge.discovery import find_endpoints

    grpc_endpoint = [e for e in find_endpoints(directory=server.discovery_dir) if e.transport == "grpc"][0]
    client = pipebridge.Bridge(GrpcTransport(lambda: grpc_endpoint, 5), timeout=10)
    try:
        assert client.publishes.find_latest.rpc_method == "pipebridge.v1.PublishService/FindLatest"
        assert "publish_type" in client.publishes.find_latest.__doc__
        assert client.events.subscribe.rpc_kind == "server_streaming"
        assert not hasattr(client.hosts, "attach")  # bidi: attach_host() is its Python form
        assert client.entities.find(entity_type="Step", filters=[["code", "is", "comp"]])["entities"][0]["type"] == "Step"
    finally:
        client.close()


@pytest.mark.parametrize("how", ["PIPEBRIDGE_DISCOVERY_DIR", "XDG_RUNTIME_DIR", "PIPEBRIDGE_URL"])
def test_connect_finds_the_bridge_from_the_environment(server, monkeypatch, tmp_path, how):
    import pipebridge
    for name in ("PIPEBRIDGE_DISCOVERY_DIR", "XDG_RUNTIME_DIR", "PIPEBRIDGE_URL", "PIPEBRIDGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if how == "PIPEBRIDGE_DISCOVERY_DIR":
        monkeypatch.setenv(how, server.discovery_dir)
    elif how == "XDG_RUNTIME_DIR":  # $XDG_RUNTIME_DIR/pipebridge/bridge.json
        os.symlink(server.discovery_dir, str(tmp_path / "pipebridge"))
        monkeypatch.setenv(how, str(tmp_path))
    else:
        monkeypatch.setenv(how, server.url("ws"))
    client = pipebridge.connect(transport="ws" if how == "PIPEBRIDGE_URL" else "tcp")
    try:
        assert client.ping(how) == how
    finally:
        client.close()
