// Where the panel finds the bridge: the page's query (?url=...&token=..., for development
// and the test), else in UXP the bridge's discovery file (the manifest asks for
// localFileSystem access for that), else what the artist typed in the settings form
// last time. Returns {url, token} or null when the artist has to say.

const storageKey = "pipebridge.settings";

export function bridgeSettings() {
  const query = new URLSearchParams(globalThis.location?.search ?? "");
  if (query.get("url") && query.get("token")) return { url: query.get("url"), token: query.get("token") };
  return fromDiscoveryFile() ?? fromStorage();
}

export function rememberSettings(settings) {
  globalThis.localStorage?.setItem(storageKey, JSON.stringify(settings));
}

// docs/protocol.md: $PIPEBRIDGE_DISCOVERY_DIR, else $XDG_RUNTIME_DIR/pipebridge, else
// ~/.pipebridge. A UXP panel sees no environment variables, so only the last one. The token
// is a function: the client asks again before each reconnect, and a restarted bridge has a
// new token (its port stays the same).
function fromDiscoveryFile() {
  const discovery = readDiscoveryFile();
  if (!discovery) return null;
  return {
    url: discovery.endpoints["jsonrpc-ws"],
    token: () => readDiscoveryFile()?.token ?? discovery.token,
  };
}

function readDiscoveryFile() {
  if (typeof globalThis.require !== "function") return null;
  try {
    const fs = globalThis.require("fs");
    const os = globalThis.require("os");
    return JSON.parse(fs.readFileSync(`${os.homedir()}/.pipebridge/bridge.json`, { encoding: "utf-8" }));
  } catch {
    return null;
  }
}

function fromStorage() {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(storageKey) ?? "null");
    return saved?.url && saved?.token ? saved : null;
  } catch {
    return null;
  }
}
