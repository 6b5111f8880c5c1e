// Photoshop through UXP's `photoshop` module (Photoshop 24+). Not run by the tests, which
// have no Photoshop: they use photoshop-fake.js, which has the same shape.

export function uxpPhotoshop(require) {
  const { app, core } = require("photoshop");
  const uxp = require("uxp");
  return {
    application: "photoshop",
    version: uxp.host.version,

    activeDocument() {
      const document = app.activeDocument;
      if (!document) return null;
      return { name: document.name, path: document.path, layers: document.layers.map((layer) => layer.name) };
    },

    // One file per top-level layer: a duplicate of the document with only that layer
    // visible, saved into `folder`. Photoshop wants document changes inside executeAsModal.
    async exportLayers({ folder, format }) {
      const target = await uxp.storage.localFileSystem.getEntryWithUrl(`file:${folder}`);
      return core.executeAsModal(async () => {
        const source = app.activeDocument;
        if (!source) throw new Error("no document is open");
        const files = [];
        for (const layer of source.layers) {
          const copy = await source.duplicate(`${source.name} ${layer.name}`);
          for (const other of copy.layers) other.visible = other.name === layer.name;
          const file = await target.createFile(`${fileStem(source.name)}_${fileStem(layer.name)}.${format}`, { overwrite: true });
          if (format === "jpg") await copy.saveAs.jpg(file, { quality: 10 });
          else await copy.saveAs.png(file);
          await copy.closeWithoutSaving();
          files.push(file.nativePath);
        }
        return { document: source.name, files };
      }, { commandName: "Export layers for the pipeline" });
    },
  };
}

function fileStem(name) {
  return name.replace(/\.[^.]*$/, "").replace(/[^\w-]+/g, "_");
}
