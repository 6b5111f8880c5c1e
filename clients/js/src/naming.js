// How the contract's names become JavaScript names. Shared by the runtime (services.js)
// and the type generator (tools/generate-types.js), so that the declarations always name
// what the runtime builds.

// The v1 services read best as plural nouns (`bridge.entities.find`), which no rule derives
// from "EntityService"; any service not listed here still gets a property, by the rule below.
const serviceProperties = {
  "pipebridge.v1.BridgeService": "server",
  "pipebridge.v1.EntityService": "entities",
  "pipebridge.v1.TemplateService": "templates",
  "pipebridge.v1.ContextService": "context",
  "pipebridge.v1.PublishService": "publishes",
  "pipebridge.v1.EventService": "events",
  "pipebridge.v1.HostService": "hosts",
};

/** "pipebridge.v1.EntityService" -> "entities"; "pipebridge.v1.ReviewService" -> "review". */
export function servicePropertyName(serviceFullName) {
  const listed = serviceProperties[serviceFullName];
  if (listed) return listed;
  const shortName = serviceFullName.slice(serviceFullName.lastIndexOf(".") + 1).replace(/Service$/, "");
  return lowerCamel(shortName);
}

/** "GetInfo" -> "getInfo", "StaleIfRepublished" -> "staleIfRepublished". */
export function methodPropertyName(methodName) {
  return lowerCamel(methodName);
}

function lowerCamel(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The method whose streams resume from the last event id after a reconnect. */
export const SUBSCRIBE_METHOD = "pipebridge.v1.EventService/Subscribe";
