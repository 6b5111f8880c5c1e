"""Command line: the bridge from a shell, for TDs debugging a pipeline or scripting one.

    python3 -m pipebridge info                              server, endpoints, services
    python3 -m pipebridge methods                           every RPC with its Python name
    python3 -m pipebridge call pipebridge.v1.EntityService/Find '{"entityType": "Shot"}'
    python3 -m pipebridge subscribe publish.created [--after-id ID] [--count N]

Options before the command: --url, --discovery-dir, --transport, --timeout. Results print
as JSON (one line per stream message); a failed call prints STATUS: message on stderr and
exits with the gRPC status code.
"""

import argparse
import json
import sys

from .client import connect
from .errors import BridgeError
from .surface import service_attribute, snake_case


def _print(value):
    print(json.dumps(value, ensure_ascii=False, sort_keys=True), flush=True)


def _info(bridge, options):
    info = bridge.call("pipebridge.v1.BridgeService/GetInfo", {})
    info["transport"] = bridge.transport
    info["services"] = sorted(bridge.services)
    _print(info)


def _methods(bridge, options):
    bridge.services  # loads the contract (rpc.discover)
    for service in bridge.contract.get("services", []):
        for method in service.get("methods", []):
            python = "bridge.%s.%s" % (service_attribute(service["name"]), snake_case(method["name"]))
            print("%-52s %-18s %s" % (method["method"], method.get("kind", ""), python))


def _call(bridge, options):
    try:
        params = json.loads(options.params) if options.params else {}
    except ValueError as error:
        raise SystemExit("params are not JSON: %s" % error)
    if not isinstance(params, dict):
        raise SystemExit("params must be a JSON object, not %s" % type(params).__name__)
    _print(bridge.call(options.method, params))


def _subscribe(bridge, options):
    params = {"topics": options.topics, "afterId": options.after_id}
    printed = 0
    with bridge.stream("pipebridge.v1.EventService/Subscribe", params) as events:
        try:
            for message in events:
                _print(message["event"])
                printed += 1
                if options.count and printed >= options.count:
                    break
        except KeyboardInterrupt:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m pipebridge", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="tcp://, ws:// or grpc:// endpoint with ?token= (default: discovery)")
    parser.add_argument("--discovery-dir", help="folder of bridge.json")
    parser.add_argument("--transport", default="auto", choices=["auto", "grpc", "tcp", "ws"])
    parser.add_argument("--timeout", type=float, default=30.0, help="deadline of each call, seconds")
    commands = parser.add_subparsers(dest="command")
    commands.required = True
    commands.add_parser("info", help="who the bridge is").set_defaults(run=_info)
    commands.add_parser("methods", help="every RPC and its Python name").set_defaults(run=_methods)
    call = commands.add_parser("call", help="one unary call")
    call.add_argument("method", help='full name, e.g. "pipebridge.v1.EntityService/Find"')
    call.add_argument("params", nargs="?", help="JSON object (default {})")
    call.set_defaults(run=_call)
    subscribe = commands.add_parser("subscribe", help="print events as they happen")
    subscribe.add_argument("topics", nargs="*", help='topic patterns, e.g. "publish.created" (default: all)')
    subscribe.add_argument("--after-id", default="0", help="replay events after this id first")
    subscribe.add_argument("--count", type=int, default=0, help="stop after this many events")
    subscribe.set_defaults(run=_subscribe)
    options = parser.parse_args(argv)
    try:
        bridge = connect(url=options.url, discovery_dir=options.discovery_dir, transport=options.transport,
                         timeout=options.timeout, client_name="pipebridge-python-cli")
        try:
            options.run(bridge, options)
        finally:
            bridge.close()
    except BridgeError as error:
        sys.stderr.write("%s: %s\n" % (error.status, error.message))
        return error.code
    except BrokenPipeError:  # `... | head`: the reader has what it wanted
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
