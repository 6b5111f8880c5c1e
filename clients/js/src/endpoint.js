// Where the bridge is and which token it wants (docs/protocol.md, "Finding the bridge").
// Given a URL and a token (UXP, browsers), they are used as they are; the token may be a
// function, asked again before every reconnect, since a restarted bridge has a new token.
// Otherwise, where a file system is reachable (Node, a CEP panel with Node enabled),
// PIPEBRIDGE_URL and PIPEBRIDGE_TOKEN, else the discovery file, read again on every reconnect.

import { BridgeError, Code } from "./status.js";

/** Returns `async () => ({url, token})` for the options given to connect(). */
export function endpointResolver(options) {
  if (options.url !== undefined) {
    const { url } = options;
    if (typeof url !== "string" || !/^wss?:\/\//.test(url)) {
      throw new BridgeError(Code.INVALID_ARGUMENT, `url: expected a ws:// address such as "ws://127.0.0.1:47732/rpc", got ${JSON.stringify(url)}`);
    }
    // docs/protocol.md: a URL may carry the token as its ?token= query.
    const token = options.token !== undefined ? options.token : new URL(url).searchParams.get("token") ?? undefined;
    if (typeof token === "function") {
      return async () => ({ url, token: checkToken(await token(), "token: the function returned") });
    }
    const fixed = { url, token: checkToken(token, "token: required with url (the token is in the bridge's discovery file, bridge.json); got") };
    return async () => fixed;
  }
  if (options.token !== undefined) {
    throw new BridgeError(Code.INVALID_ARGUMENT, "token: given without url; pass both, or neither to use the discovery file");
  }
  return () => resolveFromEnvironment(options.discoveryDir);
}

function checkToken(token, what) {
  if (typeof token !== "string" || token === "") {
    throw new BridgeError(Code.INVALID_ARGUMENT, `${what} ${token === "" ? "an empty string" : typeof token}, not a token`);
  }
  return token;
}

// Node's modules, reached without a static import so that this file loads unchanged in
// browsers and UXP. CEP exposes Node's require as `cep_node.require` (or `require` when the
// panel runs in mixed context).
async function nodeModules() {
  const process = globalThis.process;
  if (typeof process?.getBuiltinModule === "function") {
    return { fs: process.getBuiltinModule("fs"), path: process.getBuiltinModule("path"), os: process.getBuiltinModule("os"), process };
  }
  const cepRequire = globalThis.cep_node?.require ?? (typeof globalThis.require === "function" ? globalThis.require : undefined);
  if (cepRequire) {
    try {
      return { fs: cepRequire("fs"), path: cepRequire("path"), os: cepRequire("os"), process: cepRequire("process") };
    } catch {
      return null;  // a require without Node's modules (UXP): the caller asks for url + token
    }
  }
  if (process?.versions?.node) {  // Node before 20.16 / 22.3
    const [fs, path, os] = await Promise.all([import("node:fs"), import("node:path"), import("node:os")]);
    return { fs, path, os, process };
  }
  return null;
}

async function resolveFromEnvironment(discoveryDir) {
  const node = await nodeModules();
  if (!node) {
    throw new BridgeError(Code.INVALID_ARGUMENT,
      "no file system here to read the discovery file from: pass { url, token } to connect() " +
      "(the bridge's \"jsonrpc-ws\" endpoint and token from its bridge.json)");
  }
  const env = node.process.env;
  if (env.PIPEBRIDGE_URL) {
    return endpointResolver({ url: env.PIPEBRIDGE_URL, token: env.PIPEBRIDGE_TOKEN })();
  }
  const dir = discoveryDir ?? env.PIPEBRIDGE_DISCOVERY_DIR ??
    (env.XDG_RUNTIME_DIR ? node.path.join(env.XDG_RUNTIME_DIR, "pipebridge") : node.path.join(node.os.homedir(), ".pipebridge"));
  const file = node.path.join(dir, "bridge.json");
  let discovery;
  try {
    discovery = JSON.parse(node.fs.readFileSync(file, "utf8"));
  } catch (error) {
    const why = error.code === "ENOENT" ? "no bridge is running (it writes this file when it starts)" : error.message;
    throw new BridgeError(Code.UNAVAILABLE, `cannot read the discovery file ${file}: ${why}`, { cause: error });
  }
  if (!isAlive(node.process, discovery.pid)) {
    throw new BridgeError(Code.UNAVAILABLE, `the discovery file ${file} names process ${discovery.pid}, which is not running: the bridge stopped`);
  }
  const url = discovery.endpoints?.["jsonrpc-ws"];
  if (typeof url !== "string") {
    throw new BridgeError(Code.UNAVAILABLE, `the bridge in ${file} serves no WebSocket endpoint ("jsonrpc-ws"); start it with an --http-port`);
  }
  return { url, token: discovery.token };
}

function isAlive(process, pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";  // alive, owned by someone else
  }
}
