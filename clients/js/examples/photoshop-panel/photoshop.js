// The Photoshop API boundary: the only part of the panel that touches Photoshop. In UXP the
// real API (photoshop-uxp.js); anywhere else, such as the test's headless Chromium, a fake
// document (photoshop-fake.js). Both have the same shape:
//   { application, version, activeDocument() -> {name, path, layers} | null,
//     exportLayers({folder, format}) -> Promise<{document, files}> }

import { fakePhotoshop } from "./photoshop-fake.js";
import { uxpPhotoshop } from "./photoshop-uxp.js";

export function connectPhotoshop() {
  // UXP gives plugins a CommonJS `require` with the "photoshop" module; browsers have neither.
  if (typeof globalThis.require === "function") {
    try {
      return uxpPhotoshop(globalThis.require);
    } catch {
      // not Photoshop (e.g. a CEP panel with Node's require): fall through to the fake
    }
  }
  return fakePhotoshop(new URLSearchParams(globalThis.location?.search ?? ""));
}
