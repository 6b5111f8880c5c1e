#!/usr/bin/env node
// Joins src/ into one file to drop into a panel or plugin folder:
//   pipebridge.mjs  one ES module (browsers, CEP, Node, UXP versions that load modules)
//   pipebridge.cjs  the same as CommonJS, for UXP's require()
//
//   node tools/bundle.js --out DIR
//
// Each module keeps its own scope (a function), so private helpers of the same name in two
// files do not clash; `import { a } from "./x.js"` becomes a read of x's exports. This only
// understands the import and export forms src/ uses, and says so when it meets another.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const srcDir = join(dirname(fileURLToPath(import.meta.url)), "../src");
const entry = "pipebridge.js";

const importLine = /^import \{([^}]*)\} from "\.\/([\w-]+\.js)";\n/gm;
const reExportLine = /^export \{([^}]*)\} from "\.\/([\w-]+\.js)";\n/gm;
const exportDeclaration = /^export (?:async )?(?:class|function\*?|const|let) ([\w$]+)/gm;

/** Returns {"pipebridge.mjs": text, "pipebridge.cjs": text}. */
export function bundle() {
  const modules = new Map();  // file -> {body, exports, imports}
  const visit = (file, chain) => {
    if (modules.has(file)) return;
    if (chain.includes(file)) throw new Error(`import cycle: ${[...chain, file].join(" -> ")}`);
    const parsed = parseModule(file);
    for (const dependency of parsed.imports) visit(dependency, [...chain, file]);
    modules.set(file, parsed);  // after its dependencies: a valid evaluation order
  };
  visit(entry, []);

  const header = "// pipebridge JavaScript client, joined from clients/js/src by tools/bundle.js. Do not edit.\n";
  const bodies = [...modules.entries()].map(([file, { body, exports }]) =>
    `// ---- ${file}\nconst ${moduleVariable(file)} = (() => {\n${body.trimEnd()}\nreturn { ${exports.join(", ")} };\n})();\n`);
  const publicNames = modules.get(entry).exports;
  const publicObject = `${moduleVariable(entry)}`;
  return {
    "pipebridge.mjs": `${header}${bodies.join("\n")}\nexport const { ${publicNames.join(", ")} } = ${publicObject};\n`,
    "pipebridge.cjs": `${header}"use strict";\n${bodies.join("\n")}\nmodule.exports = ${publicObject};\n`,
  };
}

function parseModule(file) {
  let body = readFileSync(join(srcDir, file), "utf8");
  const imports = [];
  const exports = [];
  const bound = new Set();
  const split = (names) => names.split(",").map((name) => name.trim()).filter(Boolean);
  body = body.replace(importLine, (_, names, from) => {
    if (/\sas\s/.test(names)) throw new Error(`${file}: bundle.js does not understand renamed imports`);
    imports.push(from);
    split(names).forEach((name) => bound.add(name));
    return `const { ${split(names).join(", ")} } = ${moduleVariable(from)};\n`;
  });
  // The entry re-exports other modules' names: bind them locally (once) and export them.
  body = body.replace(reExportLine, (_, names, from) => {
    imports.push(from);
    exports.push(...split(names));
    const unbound = split(names).filter((name) => !bound.has(name));
    unbound.forEach((name) => bound.add(name));
    return unbound.length ? `const { ${unbound.join(", ")} } = ${moduleVariable(from)};\n` : "";
  });
  body = body.replace(exportDeclaration, (declaration, name) => {
    exports.push(name);
    return declaration.slice("export ".length);
  });
  const leftover = /^(import|export)\b.*$/m.exec(body);
  if (leftover) throw new Error(`${file}: bundle.js does not understand "${leftover[0]}"`);
  return { body, exports, imports };
}

function moduleVariable(file) {
  return `$module_${file.replace(/\.js$/, "").replace(/\W/g, "_")}`;
}

function main(argv) {
  if (argv.length !== 2 || argv[0] !== "--out") throw new Error("usage: bundle.js --out DIR");
  mkdirSync(argv[1], { recursive: true });
  for (const [name, text] of Object.entries(bundle())) writeFileSync(join(argv[1], name), text);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`bundle: ${error.message}`);
    process.exit(1);
  }
}
