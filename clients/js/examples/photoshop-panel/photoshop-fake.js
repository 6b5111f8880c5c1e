// A stand-in for Photoshop where there is none (a browser, the headless test): one open
// document whose path and layers come from the page's query (?document=...&layers=a,b,c).
// exportLayers answers as Photoshop would, naming the files, and writes nothing.

export function fakePhotoshop(query) {
  const path = query.get("document") ?? "";
  const layers = (query.get("layers") ?? "Background,Paint,Text").split(",").filter(Boolean);
  const name = path.slice(path.lastIndexOf("/") + 1);
  return {
    application: "photoshop",
    version: "fake",

    activeDocument() {
      return path ? { name, path, layers } : null;
    },

    async exportLayers({ folder, format }) {
      if (!path) throw new Error("no document is open");
      const stem = name.replace(/\.[^.]*$/, "");
      return { document: name, files: layers.map((layer) => `${folder}/${stem}_${layer.replace(/[^\w-]+/g, "_")}.${format}`) };
    },
  };
}
