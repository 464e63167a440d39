// Parse Mermaid sources with the real mermaid library in node, with jsdom for the one thing a sequence
// diagram's parse asks of the DOM (whether a box's colour is a CSS colour).
// Usage: node mermaid_parse.mjs MERMAID_DIR < sources.json
//   stdin:  a JSON object {name: Mermaid source}
//   stdout: a JSON object {name: {"error": message} or {"boxes": [[title, colour, [participant ids]], ...]}}
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
const load = (path) => import(pathToFileURL(`${dir}/node_modules/${path}`).href);
const { JSDOM } = await load("jsdom/lib/api.js");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.Option = dom.window.Option;
const mermaid = (await load("mermaid/dist/mermaid.core.mjs")).default;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const sources = JSON.parse(readFileSync(0, "utf8"));
const results = {};
for (const [name, source] of Object.entries(sources)) {
  try {
    const parsed = await mermaid.parse(source);
    if (!parsed || parsed.diagramType !== "sequence") {
      results[name] = { error: `not read as a sequence diagram: ${JSON.stringify(parsed)}` };
      continue;
    }
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
    results[name] = { boxes: diagram.db.getBoxes().map((b) => [b.name ?? null, b.fill, b.actorKeys]) };
  } catch (err) {
    results[name] = { error: String(err && err.message ? err.message : err) };
  }
}
process.stdout.write(JSON.stringify(results));
