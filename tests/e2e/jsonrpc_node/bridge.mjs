// Starts a private pipebridge (demo project, every port picked by the kernel) and reads its
// discovery file; stop() ends it with SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function startBridge() {
  const binary = process.env.PIPEBRIDGE_BIN;
  if (!binary) throw new Error("PIPEBRIDGE_BIN must name the pipebridge executable");
  const root = mkdtempSync(join(tmpdir(), "pipebridge-node-"));
  const child = spawn(binary, ["serve", "--demo", "--grpc-port", "0", "--http-port", "0",
    "--tcp-port", "0", "--discovery-dir", join(root, "discovery"), "--project-dir",
    join(root, "project")], { stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pipebridge exited with ${child.exitCode}`);
    try {
      const discovery = JSON.parse(readFileSync(join(root, "discovery", "bridge.json"), "utf8"));
      if (discovery.pid === child.pid) {
        return {
          discovery,
          async stop() {
            child.kill("SIGTERM");
            if (child.exitCode === null) await new Promise((done) => child.once("exit", done));
            rmSync(root, { recursive: true, force: true });
          },
        };
      }
    } catch {
      // not written yet
    }
    await new Promise((done) => setTimeout(done, 20));
  }
  child.kill("SIGKILL");
  throw new Error("pipebridge wrote no discovery file within 20 s");
}
