// definition → text. Unchanged definitions give back the exact bytes that were read; a changed
// field rewrites only the lines that carry it (its frontmatter key and continuation lines), so a
// diff of the file shows the edit and nothing else.
import { stringify } from "yaml";
import { joinLines, type Line, splitLines } from "./lines.js";
import { parseMarkdown } from "./parse.js";
import { parsePluginManifest } from "./plugin-manifest.js";
import type { Definition, Example, MarkdownDefinition, PluginDefinition, ToolSpec } from "./types.js";

export function render(def: Definition): string {
  return def.kind === "plugin" ? renderPlugin(def) : renderMarkdown(def);
}

function renderPlugin(def: PluginDefinition): string {
  if (deepEqual(parsePluginManifest(def.source.text, def.source.path).manifest, def.manifest))
    return def.source.text;
  return `${JSON.stringify(def.manifest, null, 2)}\n`;
}

type FieldValue = { present: false } | { present: true; value: unknown };

function renderMarkdown(def: MarkdownDefinition): string {
  const src = def.source;
  const original = parseMarkdown(src.text, src.path, def.kind);
  const changes = new Map<string, FieldValue>();
  const compare = (key: string, now: FieldValue, before: FieldValue) => {
    if (
      now.present !== before.present ||
      (now.present && before.present && !deepEqual(now.value, before.value))
    ) {
      changes.set(key, now);
    }
  };
  compare("name", nameValue(def), nameValue(original));
  compare("description", descriptionValue(def), descriptionValue(original));
  compare("model", optional(def.model?.raw), optional(original.model?.raw));
  compare("color", optional(def.color), optional(original.color));
  compare(
    "tools",
    toolsValue(def.tools, src.frontmatter.data.tools),
    toolsValue(original.tools, src.frontmatter.data.tools),
  );
  compare(
    "skills",
    skillsValue(def, src.frontmatter.data.skills),
    skillsValue(original, src.frontmatter.data.skills),
  );
  for (const key of new Set([...Object.keys(def.extra), ...Object.keys(original.extra)])) {
    compare(key, presentIf(def.extra, key), presentIf(original.extra, key));
  }
  const bodyChanged = def.body !== original.body;
  if (changes.size === 0 && !bodyChanged) return src.text;

  const bom = src.bom ? "\uFEFF" : "";
  const lines = splitLines(src.bom ? src.text.slice(1) : src.text);
  const nl = src.lineEnding;
  const fm = src.frontmatter;
  const indent = fm.openLine === null ? "" : (/^[ \t]*/.exec(lines[fm.openLine]!.text)?.[0] ?? "");

  if (bodyChanged) lines.splice(src.bodyStartLine, lines.length - src.bodyStartLine, ...splitLines(def.body));

  const edits = [...changes.entries()].map(([key, value]) => ({
    key,
    value,
    span: fm.fields.find((f) => f.key === key) ?? null,
    lines: (value.present ? serialize(fm.format, key, value.value, def) : []).map(
      (t): Line => ({ text: indent + t, ending: nl }),
    ),
  }));
  // New keys go after every existing one, so adding them first leaves the spans above in place.
  const inserted: Line[] = edits.filter((e) => !e.span).flatMap((e) => e.lines);
  if (inserted.length > 0) {
    if (fm.closeLine !== null) lines.splice(fm.closeLine, 0, ...inserted);
    else if (fm.format === "markdown-list") lines.splice(fm.fields.at(-1)?.endLine ?? 0, 0, ...inserted);
    else lines.unshift({ text: "---", ending: nl }, ...inserted, { text: "---", ending: nl });
  }
  // Then existing keys, from the bottom up so that earlier spans keep their line numbers.
  const replaced = edits.filter((e) => e.span).sort((a, b) => b.span!.startLine - a.span!.startLine);
  for (const edit of replaced) {
    const span = edit.span!;
    const last = lines[span.endLine - 1];
    if (edit.lines.length > 0 && last) edit.lines.at(-1)!.ending = last.ending || nl;
    lines.splice(span.startLine, span.endLine - span.startLine, ...edit.lines);
  }
  return bom + joinLines(lines);
}

function optional(v: unknown): FieldValue {
  return v === null || v === undefined ? { present: false } : { present: true, value: v };
}

function presentIf(obj: Record<string, unknown>, key: string): FieldValue {
  return Object.hasOwn(obj, key) ? { present: true, value: obj[key] } : { present: false };
}

function nameValue(def: MarkdownDefinition): FieldValue {
  return def.nameOrigin === "filename" && !Object.hasOwn(def.source.frontmatter.data, "name")
    ? { present: true, value: { fromFile: def.name } }
    : { present: true, value: def.name };
}

function descriptionValue(def: MarkdownDefinition): FieldValue {
  if (def.description === null && def.examples.length === 0) return { present: false };
  return { present: true, value: { prose: def.description, examples: def.examples } };
}

function toolsValue(tools: ToolSpec, raw: unknown): FieldValue {
  if (tools.mode === "inherit") return { present: false };
  return { present: true, value: { tools, style: typeof raw === "string" ? "string" : "list" } };
}

function skillsValue(def: MarkdownDefinition, raw: unknown): FieldValue {
  const names = def.skills.filter((s) => s.origin === "frontmatter").map((s) => s.name);
  if (names.length === 0 && !Object.hasOwn(def.source.frontmatter.data, "skills")) return { present: false };
  return { present: true, value: { names, style: typeof raw === "string" ? "string" : "list" } };
}

/** The lines of one frontmatter field, in the file's frontmatter format. */
function serialize(format: string, key: string, value: unknown, def: MarkdownDefinition): string[] {
  const plain = plainValue(key, value, def);
  if (format === "markdown-list") {
    const text = Array.isArray(plain)
      ? plain.join(", ")
      : typeof plain === "string"
        ? plain
        : JSON.stringify(plain);
    return [`- **${key}:** ${text.replace(/\n/g, " ")}`];
  }
  const yaml = stringify({ [key]: plain }, { lineWidth: 0, flowCollectionPadding: false });
  return yaml.replace(/\n$/, "").split("\n");
}

function plainValue(key: string, value: unknown, def: MarkdownDefinition): unknown {
  switch (key) {
    case "name":
      return def.name;
    case "description":
      return composeDescription(def.description, def.examples);
    case "model":
      return def.model?.raw;
    case "color":
      return def.color;
    case "tools":
      return toolsToYaml(def.tools, (value as { style: string }).style);
    case "skills": {
      const { names, style } = value as { names: string[]; style: string };
      return style === "string" ? names.join(", ") : names;
    }
    default:
      return value;
  }
}

function toolsToYaml(tools: ToolSpec, style: string): unknown {
  if (tools.mode === "none") return [];
  if (tools.mode === "all") return "*";
  if (tools.items.some((t) => t.tier !== "none")) {
    const tiers: Record<string, string[]> = {};
    for (const t of tools.items) {
      const tier = t.tier === "none" ? "other" : t.tier;
      tiers[tier] = [...(tiers[tier] ?? []), t.name];
    }
    return tiers;
  }
  const names = tools.items.map((t) => t.name);
  return style === "string" ? names.join(", ") : names;
}

function composeDescription(prose: string | null, examples: readonly Example[]): string {
  const parts = [prose ?? ""];
  for (const e of examples) {
    const lines: string[] = [];
    if (e.context) lines.push(`Context: ${e.context}`);
    if (e.user) lines.push(`user: "${e.user}"`);
    if (e.assistant) lines.push(`assistant: "${e.assistant}"`);
    if (e.commentary) lines.push(`<commentary>${e.commentary}</commentary>`);
    parts.push(`<example>\n${lines.length > 0 ? lines.join("\n") : e.text}\n</example>`);
  }
  return parts.filter(Boolean).join("\n\n");
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
