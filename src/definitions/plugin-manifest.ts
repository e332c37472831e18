// `.claude-plugin/plugin.json`: the plugin is a namespace inside its source.
import { DiagnosticList } from "./diagnostics.js";
import { type PluginDefinition, pluginManifestSchema } from "./types.js";

export function parsePluginManifest(text: string, path: string | null): PluginDefinition {
  const d = new DiagnosticList();
  const source = { text, path };
  const fallbackName = path?.split(/[\\/]/).filter(Boolean).at(-3) ?? "unnamed";
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    const { line, column } = jsonErrorPosition(text, (e as Error).message);
    d.error("json-invalid", `plugin manifest is not valid JSON: ${(e as Error).message}`, line, column);
    return {
      kind: "plugin",
      name: fallbackName,
      version: null,
      description: null,
      manifest: {},
      diagnostics: d.items,
      source,
    };
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    d.error("manifest-type", "plugin manifest must be a JSON object");
    return {
      kind: "plugin",
      name: fallbackName,
      version: null,
      description: null,
      manifest: {},
      diagnostics: d.items,
      source,
    };
  }
  const manifest = json as Record<string, unknown>;
  const parsed = pluginManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join(".");
      const { line, column } = keyPosition(text, String(issue.path[0] ?? ""));
      d.error("manifest-field", `${field || "manifest"}: ${issue.message}`, line, column, field || undefined);
    }
  }
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    kind: "plugin",
    name: str(manifest.name) ?? fallbackName,
    version: str(manifest.version),
    description: str(manifest.description),
    manifest,
    diagnostics: d.items,
    source,
  };
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (pos) return positionOf(text, Number(pos[1]));
  return positionOf(text, text.length);
}

function keyPosition(text: string, key: string): { line: number; column: number } {
  const i = key ? text.indexOf(`"${key}"`) : -1;
  return i === -1 ? { line: 1, column: 1 } : positionOf(text, i);
}
