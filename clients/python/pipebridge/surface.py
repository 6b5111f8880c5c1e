"""The typed surface: one attribute per service and one method per RPC, built from the
contract the server describes (`rpc.discover`), with docstrings from its descriptions.

    bridge.entities.find(entity_type="Shot", fields=["code"], timeout=5)
    bridge.publishes.register(path=..., name="hero", publish_type="Maya Scene", context=ctx)
    help(bridge.entities.find)

Keyword arguments are the request's fields, in snake_case or lowerCamelCase; a dict may be
passed first instead (or as well). Results are dicts in canonical ProtoJSON (lowerCamelCase
keys, int64 as strings). Server-streaming RPCs return a Stream (streams.py).
"""

import re

# The attribute a service gets: what a TD types (`bridge.entities`), not the proto name.
# A service the table does not know gets the snake_case of its name without "Service".
SERVICE_ATTRIBUTES = {
    "pipebridge.v1.BridgeService": "bridge",
    "pipebridge.v1.EntityService": "entities",
    "pipebridge.v1.TemplateService": "templates",
    "pipebridge.v1.ContextService": "context",
    "pipebridge.v1.PublishService": "publishes",
    "pipebridge.v1.EventService": "events",
    "pipebridge.v1.HostService": "hosts",
}

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

def snake_case(name):
    """"GetInfo" -> "get_info", "StaleIfRepublished" -> "stale_if_republished"."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def lower_camel(name):
    """"entity_type" -> "entityType"; lowerCamel names pass unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def service_attribute(full_name):
    if full_name in SERVICE_ATTRIBUTES:
        return SERVICE_ATTRIBUTES[full_name]
    short = full_name.rsplit(".", 1)[-1]
    if short.endswith("Service") and len(short) > len("Service"):
        short = short[:-len("Service")]
    return snake_case(short)


def _type_text(schema):
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type")
    if kind == "array":
        return "list of " + _type_text(schema.get("items"))
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    return kind or "any"


def _fields_text(schemas, message_name):
    schema = schemas.get(message_name) or {}
    lines = []
    for name, prop in sorted((schema.get("properties") or {}).items()):
        description = (prop.get("description") or "").replace("\n", " ") if isinstance(prop, dict) else ""
        lines.append("    %s (%s)%s" % (snake_case(name), _type_text(prop),
                                          ": " + description if description else ""))
    return lines


def method_docstring(method, schemas):
    lines = [method.get("description") or method["method"], "", "RPC: " + method["method"]]
    request_fields = _fields_text(schemas, method.get("request", ""))
    lines += ["", "Request fields (%s), as keyword arguments:" % method.get("request", "?")]
    lines += request_fields or ["    (none)"]
    if method.get("kind") == "server_streaming":
        lines += ["", "Returns a Stream of %s dicts; keywords callback=, on_end=, dispatcher=, "
                      "resume=, timeout= (default: no deadline)." % method.get("response", "?")]
    else:
        lines += ["", "Returns %s as a dict; timeout= seconds (default: the client's)."
                  % method.get("response", "?")]
    response_fields = _fields_text(schemas, method.get("response", ""))
    if response_fields:
        lines += ["", "Response fields:"] + response_fields
    return "\n".join(lines)


class ServiceProxy(object):
    """Base of the per-service classes surface() builds."""

    def __init__(self, bridge):
        self._bridge = bridge

    def __repr__(self):
        return "<pipebridge service %s>" % self._service_name


def _request_params(method_name, allowed, request, fields):
    params = {}
    if request is not None:
        if not isinstance(request, dict):
            raise TypeError("%s: the request must be a dict of fields, not %s"
                            % (method_name, type(request).__name__))
        params.update(request)
    for key, value in fields.items():
        wire = lower_camel(key)
        if allowed is not None and wire not in allowed:
            raise TypeError("%s() got an unexpected keyword argument %r (request fields: %s)"
                            % (method_name, key, ", ".join(sorted(snake_case(a) for a in allowed)) or "none"))
        params[wire] = value
    return params


def _make_method(method, schemas):
    full_name = method["method"]
    python_name = snake_case(method["name"])
    schema = schemas.get(method.get("request", ""))
    allowed = set((schema or {}).get("properties") or {}) if schema is not None else None
    streaming = method.get("kind") == "server_streaming"

    if streaming:
        def rpc(self, request=None, timeout=None, callback=None, on_end=None, dispatcher=None,
                resume=True, **fields):
            params = _request_params(python_name, allowed, request, fields)
            return self._bridge.stream(full_name, params, timeout=timeout, callback=callback,
                                       on_end=on_end, dispatcher=dispatcher, resume=resume)
    else:
        def rpc(self, request=None, timeout=None, **fields):
            params = _request_params(python_name, allowed, request, fields)
            return self._bridge.call(full_name, params, timeout=timeout)

    rpc.__name__ = python_name
    rpc.__doc__ = method_docstring(method, schemas)
    rpc.rpc_method = full_name
    rpc.rpc_kind = method.get("kind", "unary")
    return rpc


def build_services(document):
    """{attribute: ServiceProxy subclass} from a discover document. Bidirectional methods
    (HostService/Attach) are left out: attach_host() is their Python form."""
    schemas = document.get("schemas") or {}
    classes = {}
    for service in document.get("services") or []:
        attributes = {"_service_name": service["name"],
                      "__doc__": service.get("description") or service["name"]}
        for method in service.get("methods") or []:
            if method.get("kind") in ("unary", "server_streaming"):
                attributes[snake_case(method["name"])] = _make_method(method, schemas)
        class_name = service["name"].rsplit(".", 1)[-1]
        classes[service_attribute(service["name"])] = type(class_name, (ServiceProxy,), attributes)
    return classes
