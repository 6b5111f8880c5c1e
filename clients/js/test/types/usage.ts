// Compiled by types.test.js against the generated pipebridge.d.ts (copied next to it as
// ./pipebridge.d.ts). Every `@ts-expect-error` line must fail to type-check: if the
// declarations stopped catching that mistake, tsc reports the unused directive.

import { BridgeError, Code, connect, type Event, type FindEntitiesResponse, type HostInfo } from "./pipebridge.js";

export async function typedUsage(): Promise<void> {
  const bridge = await connect({ url: "ws://127.0.0.1:47732/rpc", token: "t", timeoutMs: 5000 });

  const found: FindEntitiesResponse = await bridge.entities.find({ entityType: "Shot", fields: ["code"], page: { limit: 10 } });
  const codes: unknown[] = (found.entities ?? []).map((entity) => entity.code);
  const more: boolean | undefined = found.hasMore;

  const { path } = await bridge.templates.apply({ template: "photoshop_shot_work", fields: { Shot: "sh010", version: 3 } });
  const pathText: string | undefined = path;

  const { version } = await bridge.publishes.reserveVersion({ context: { entity: { type: "Shot", id: 1 } }, name: "main" });
  const next: number | undefined = version;

  for await (const event of bridge.events.subscribe({ topics: ["publish.*"], afterId: "42" })) {
    const typed: Event = event;
    const topic: string | undefined = event.topic;
    void typed; void topic;
    break;
  }

  const host = await bridge.attachHost({
    application: "photoshop",
    commands: [{
      name: "photoshop.exportLayers",
      argsSchema: { type: "object" },
      handler: async (args, invocation) => {
        invocation.progress(0.5, "half way");
        if (invocation.signal.aborted) throw new BridgeError(Code.CANCELLED, "stopped");
        return { exported: [String(args.format)] };
      },
    }],
  });
  const info: HostInfo | null = host.info;

  try {
    await bridge.server.ping({ payload: "x" }, { timeoutMs: 100, signal: new AbortController().signal });
  } catch (error) {
    if (error instanceof BridgeError && error.code === Code.DEADLINE_EXCEEDED) console.log(error.status, error.rawMessage);
  }

  // @ts-expect-error: a misspelt field of a request
  await bridge.entities.find({ entityTyp: "Shot" });
  // @ts-expect-error: a field of the wrong type
  await bridge.entities.get({ entityType: "Shot", id: "1" });
  // @ts-expect-error: an enum value that does not exist
  await bridge.entities.find({ order: [{ fieldName: "code", direction: "UPWARDS" }] });
  // @ts-expect-error: a method no service has
  await bridge.entities.findOne({});
  // @ts-expect-error: bidirectional Attach is not a method of the JSON client
  await bridge.hosts.attach({});
  // @ts-expect-error: an unknown call option
  await bridge.server.ping({}, { timeout: 5 });
  // @ts-expect-error: a response field that does not exist
  void found.total;

  void codes; void more; void pathText; void next; void info;
  bridge.close();
}
