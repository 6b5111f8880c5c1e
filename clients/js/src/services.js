// Typed service objects from the contract (the rpc.discover document): for every service a
// property of the bridge (`bridge.entities`), for every method a function
// (`bridge.entities.find(request, options)`). No method is written out by hand here.

import { EventSubscription } from "./event-subscription.js";
import { methodPropertyName, servicePropertyName, SUBSCRIBE_METHOD } from "./naming.js";
import { BridgeError, Code } from "./status.js";

/**
 * Adds the contract's services to `bridge`. Unary methods return a promise of the response;
 * server-streaming ones an async iterator (events.subscribe: one that resumes after a
 * reconnect). Bidirectional methods are gRPC-only: hosts use bridge.attachHost().
 */
export function addServices(bridge, contract) {
  for (const [serviceIndex, service] of checkServices(contract).entries()) {
    const property = servicePropertyName(service.name);
    if (property in bridge) {
      throw new BridgeError(Code.INTERNAL, `contract.services[${serviceIndex}]: service ${service.name} would hide the bridge's own "${property}"`);
    }
    const methods = {};
    for (const [methodIndex, method] of service.methods.entries()) {
      const where = `contract.services[${serviceIndex}].methods[${methodIndex}]`;
      const invoke = methodFunction(bridge, method, where);
      if (invoke) methods[methodPropertyName(method.name)] = invoke;
    }
    bridge[property] = Object.freeze(methods);
  }
}

function methodFunction(bridge, method, where) {
  const fullName = method.method;
  switch (method.kind) {
    case "unary":
      return (request, options) => bridge.call(fullName, request, options);
    case "server_streaming":
      if (fullName === SUBSCRIBE_METHOD) return (request, options) => new EventSubscription(bridge, request, options);
      return (request, options) => bridge.stream(fullName, request, options);
    case "bidi_streaming":
      return null;
    default:
      throw new BridgeError(Code.INTERNAL, `${where}.kind: unknown kind ${JSON.stringify(method.kind)} (expected unary, server_streaming or bidi_streaming)`);
  }
}

function checkServices(contract) {
  if (!Array.isArray(contract?.services)) {
    throw new BridgeError(Code.INVALID_ARGUMENT, "contract.services: expected the array of services of an rpc.discover document");
  }
  contract.services.forEach((service, i) => {
    if (typeof service?.name !== "string" || !Array.isArray(service.methods)) {
      throw new BridgeError(Code.INVALID_ARGUMENT, `contract.services[${i}]: expected {name, methods: [...]}`);
    }
    service.methods.forEach((method, j) => {
      if (typeof method?.name !== "string" || typeof method.method !== "string") {
        throw new BridgeError(Code.INVALID_ARGUMENT, `contract.services[${i}].methods[${j}]: expected {name, method, kind}`);
      }
    });
  });
  return contract.services;
}
