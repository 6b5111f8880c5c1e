// The Photoshop panel example opened in Debian's headless Chromium against a live bridge,
// as a packaged plugin would carry it: index.html served from 127.0.0.1 with the one-file
// bundle as lib/pipebridge.js, the bridge's URL and token, and a fake open document.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { bundle } from "../../tools/bundle.js";
import { serveFolders } from "./static-server.js";

export const panelDir = join(dirname(fileURLToPath(import.meta.url)), "../../examples/photoshop-panel");
const chromiumFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Opens the panel on `documentPath` (layers Background, Paint, Text); close() ends it all. */
export async function openPanel(server, documentPath) {
  const profile = mkdtempSync(join(tmpdir(), "pipebridge-js-chromium-"));
  const lib = join(profile, "lib");
  mkdirSync(lib);
  writeFileSync(join(lib, "pipebridge.js"), bundle()["pipebridge.mjs"]);
  const site = await serveFolders({ "/": panelDir, "/lib/": lib });
  const browser = await chromium.launchPersistentContext(join(profile, "chromium"), {
    executablePath: "/usr/bin/chromium", headless: true, args: chromiumFlags, viewport: { width: 340, height: 560 } });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => { if (message.type() === "error") pageErrors.push(message.text()); });
  const query = new URLSearchParams({ url: server.wsUrl, token: server.token, document: documentPath, layers: "Background,Paint,Text" });
  await page.goto(`${site.url}/index.html?${query}`);
  const text = (selector) => page.locator(selector).innerText();
  return {
    page,
    pageErrors,
    text,
    async attached() {
      await page.waitForFunction(() => document.body.dataset.host === "attached", null, { timeout: 15000 })
        .catch(async (error) => { throw new Error(`${error.message}\npage errors: ${pageErrors.join("\n")}\nactivity: ${await text("#activity")}`); });
    },
    async close() {
      await browser.close();
      await site.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
