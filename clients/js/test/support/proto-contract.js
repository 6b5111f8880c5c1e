// The services and methods declared in the .proto files, in the rpc.discover shape (no
// schemas): read with a regular expression, which the contract's plain `rpc` lines allow.
// Tests compare what the bridge discovers against it.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const protoDir = join(dirname(fileURLToPath(import.meta.url)), "../../../../proto/pipebridge/v1");

export function protoContract() {
  const services = [];
  for (const file of readdirSync(protoDir).filter((name) => name.endsWith(".proto")).sort()) {
    const text = readFileSync(join(protoDir, file), "utf8");
    const pkg = /^package\s+([\w.]+);/m.exec(text)[1];
    for (const service of text.matchAll(/^service\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
      const name = `${pkg}.${service[1]}`;
      const methods = [...service[2].matchAll(/rpc\s+(\w+)\s*\(\s*(stream\s+)?([\w.]+)\s*\)\s*returns\s*\(\s*(stream\s+)?([\w.]+)\s*\)/g)]
        .map(([, method, clientStream, request, serverStream, response]) => ({
          name: method,
          method: `${name}/${method}`,
          kind: clientStream ? "bidi_streaming" : serverStream ? "server_streaming" : "unary",
          request: `${pkg}.${request}`,
          response: `${pkg}.${response}`,
        }));
      services.push({ name, methods });
    }
  }
  return { protocolVersion: 1, services };
}
