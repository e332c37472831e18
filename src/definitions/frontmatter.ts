// Finds and reads a file's frontmatter. Strict YAML first; when that fails (an unquoted ": "
// inside a description, `tools: *`), each top-level `key: value` line is read on its own so
// that one bad value does not cost the others. Files without frontmatter may carry their
// metadata as a Markdown list (`- **name:** x`).
import { isMap, isScalar, LineCounter, parse, parseDocument } from "yaml";
import type { DiagnosticList } from "./diagnostics.js";
import { exampleBalance, exampleKeysIn, isExampleKey } from "./frontmatter-examples.js";
import { findTooDeep, MAX_FRONTMATTER_CHARS, MAX_NESTING } from "./limits.js";
import type { Line } from "./lines.js";
import type { FieldSpan, FrontmatterFormat } from "./types.js";

export interface Frontmatter {
  format: FrontmatterFormat;
  openLine: number | null;
  closeLine: number | null;
  data: Record<string, unknown>;
  fields: FieldSpan[];
  /**
   * How each value was written: a YAML scalar type (PLAIN, QUOTE_DOUBLE, BLOCK_LITERAL…),
   * "RAW" for values the tolerant reader kept as text, or "COLLECTION".
   */
  styles: Record<string, string>;
  /** 0-based index of the first body line. */
  bodyStartLine: number;
  /** Indentation removed from every frontmatter line (indented delimiters). */
  indent: number;
}

const DELIMITER = /^([ \t]*)(-{3,}|\.{3})[ \t]*$/;
const OPEN_DELIMITER = /^([ \t]*)-{3,}[ \t]*$/;
const KEY_LINE = /^(["']?)([A-Za-z_$][\w$.-]*)\1[ \t]*:(?=[ \t]|$)[ \t]*(.*)$/;
const LIST_META =
  /^\s*[-*+]\s+\*\*([A-Za-z][A-Za-z _-]*?)\s*:?\s*\*\*\s*:?\s*(.*?)\s*$|^\s*[-*+]\s+([A-Za-z][A-Za-z_-]*):\s+(.*?)\s*$/;
const LIST_META_KEYS = new Set(["name", "description", "model", "color", "tools", "skills"]);

export function readFrontmatter(lines: readonly Line[], diagnostics: DiagnosticList): Frontmatter {
  let first = 0;
  while (first < lines.length && lines[first]!.text.trim() === "") first++;
  const open = first < lines.length ? OPEN_DELIMITER.exec(lines[first]!.text) : null;
  if (!open) return readMarkdownList(lines, diagnostics);

  let close = -1;
  for (let i = first + 1; i < lines.length; i++) {
    if (DELIMITER.test(lines[i]!.text)) {
      close = i;
      break;
    }
  }
  if (close === -1) {
    diagnostics.warn(
      "frontmatter-unclosed",
      `frontmatter opened at line ${first + 1} is never closed; the whole file is read as the body`,
      first + 1,
      1,
    );
    return { ...noFrontmatter(), format: "none" };
  }

  const indent = open[1]!.length;
  const content: string[] = [];
  for (let i = first + 1; i < close; i++) content.push(dedent(lines[i]!.text, indent));
  const fields = fieldSpans(content, first + 1);
  const base = { openLine: first, closeLine: close, fields, bodyStartLine: close + 1, indent };

  // Bounded before any parser runs (./limits.ts): the YAML library recurses per level.
  const size = content.reduce((n, l) => n + l.length + 1, 0);
  if (size > MAX_FRONTMATTER_CHARS) {
    diagnostics.error(
      "frontmatter-too-large",
      `the frontmatter is ${size.toLocaleString("en")} characters long, over the limit of ${MAX_FRONTMATTER_CHARS.toLocaleString("en")}`,
      first + 1,
      1,
    );
    return { ...base, format: "tolerant", data: {}, styles: {} };
  }
  const deep = findTooDeep(content);
  if (deep) {
    diagnostics.error(
      "frontmatter-too-deep",
      `the frontmatter nests more than ${MAX_NESTING} levels deep here (collections inside collections); it was not read`,
      first + 2 + deep.line,
      deep.column + indent + 1,
    );
    return { ...base, format: "tolerant", data: {}, styles: {} };
  }
  const strict = readStrict(content.join("\n"));
  const exampleKeys = strict.ok ? exampleKeysIn(strict.data) : [];
  if (strict.ok && exampleKeys.length === 0) {
    return { ...base, format: "yaml", data: strict.data, styles: strict.styles };
  }
  if (strict.ok) {
    diagnostics.warn(
      "frontmatter-example-keys",
      `frontmatter keys ${exampleKeys.map((k) => `\`${k}\``).join(", ")} are lines of an example in the description (Claude Code has no such keys); the fields were read line by line instead`,
      first + 1,
      1,
    );
    const tolerant = readTolerant(content, fields, first + 1);
    return { ...base, format: "tolerant", data: tolerant.data, styles: tolerant.styles };
  }

  const { line, column, message } = strict.error;
  const where = line === null ? "" : ` (line ${first + 1 + line}, column ${(column ?? 1) + indent})`;
  diagnostics.warn(
    "yaml-invalid",
    `frontmatter is not valid YAML${where}: ${message}; its fields were read line by line instead`,
    line === null ? first + 1 : first + 1 + line,
    line === null ? 1 : (column ?? 1) + indent,
  );
  const labels = content.findIndex((l) => isExampleKey(KEY_LINE.exec(l)?.[2] ?? ""));
  if (labels !== -1) {
    diagnostics.warn(
      "frontmatter-example-keys",
      "lines starting with an example label (`user:`, `assistant:`) were read as part of the value above them, not as keys",
      first + 2 + labels,
      1,
    );
  }
  const tolerant = readTolerant(content, fields, first + 1);
  return { ...base, format: "tolerant", data: tolerant.data, styles: tolerant.styles };
}

function noFrontmatter(): Frontmatter {
  return {
    format: "none",
    openLine: null,
    closeLine: null,
    data: {},
    fields: [],
    styles: {},
    bodyStartLine: 0,
    indent: 0,
  };
}

function dedent(text: string, indent: number): string {
  if (indent === 0) return text;
  let i = 0;
  while (i < indent && (text[i] === " " || text[i] === "\t")) i++;
  return text.slice(i);
}

type StrictResult =
  | { ok: true; data: Record<string, unknown>; styles: Record<string, string> }
  | { ok: false; error: { line: number | null; column: number | null; message: string } };

/**
 * Runs YAML parsing without capturing stack traces. The yaml library reports every problem as
 * a YAMLError, an Error subclass, and capturing its stack was 80% of the time spent on a file
 * whose frontmatter is not valid YAML (measured on a 2,000-file import: 1.6 s of 2.3 s). The
 * reader never shows those stacks: it turns the errors into diagnostics.
 */
function withoutStacks<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function readStrict(source: string): StrictResult {
  return withoutStacks(() => readStrictYaml(source));
}

function readStrictYaml(source: string): StrictResult {
  if (source.trim() === "") return { ok: true, data: {}, styles: {} };
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    return { ok: false, error: { line: null, column: null, message: (e as Error).message } };
  }
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    return { ok: false, error: { line: pos.line, column: pos.col, message: firstLine(err.message) } };
  }
  if (!isMap(doc.contents)) {
    return {
      ok: false,
      error: { line: 1, column: 1, message: "frontmatter is not a mapping of keys to values" },
    };
  }
  const styles: Record<string, string> = {};
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    styles[key] = isScalar(pair.value) ? String(pair.value.type ?? "PLAIN") : "COLLECTION";
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, error: { line: null, column: null, message: firstLine((e as Error).message) } };
  }
  return { ok: true, data: data as Record<string, unknown>, styles };
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

/**
 * Splits the frontmatter into top-level keys by line: a key line at the left margin, followed
 * by its continuation lines (indented, or `- item` lines). Trailing blank and comment lines stay
 * outside the span so that rewriting a field keeps them.
 */
function fieldSpans(content: readonly string[], offset: number): FieldSpan[] {
  const spans: FieldSpan[] = [];
  let current: FieldSpan | null = null;
  let lastContent = -1;
  let openExamples = 0;
  for (let i = 0; i < content.length; i++) {
    const text = content[i]!;
    const key = KEY_LINE.exec(text);
    // `user: "…"` at the margin, or anything inside an open <example>, continues the value.
    const continues = current !== null && key !== null && (openExamples > 0 || isExampleKey(key[2]!));
    if (key && !continues) {
      if (current) spans.push({ ...current, endLine: offset + lastContent + 1 });
      current = { key: key[2]!, startLine: offset + i, endLine: offset + i + 1 };
      lastContent = i;
      openExamples = Math.max(0, exampleBalance(text));
      continue;
    }
    openExamples = Math.max(0, openExamples + exampleBalance(text));
    const blankOrComment = text.trim() === "" || /^#/.test(text);
    if (current && !blankOrComment) lastContent = i;
  }
  if (current) spans.push({ ...current, endLine: offset + lastContent + 1 });
  return spans;
}

function readTolerant(
  content: readonly string[],
  spans: readonly FieldSpan[],
  offset: number,
): { data: Record<string, unknown>; styles: Record<string, string> } {
  const data: Record<string, unknown> = {};
  const styles: Record<string, string> = {};
  for (const span of spans) {
    const block = content.slice(span.startLine - offset, span.endLine - offset);
    const m = KEY_LINE.exec(block[0]!)!;
    const inline = m[3]!.trim();
    const rest = block.slice(1);
    const value = tolerantValue(span.key, inline, rest, block);
    data[span.key] = value.value;
    styles[span.key] = value.style;
  }
  return { data, styles };
}

function tolerantValue(
  key: string,
  inline: string,
  rest: readonly string[],
  block: readonly string[],
): { value: unknown; style: string } {
  // The key's own lines may be valid YAML even when the whole frontmatter is not; not when they
  // hold an example, whose `user:` lines YAML would read as keys.
  const hasExample = block.some((l) => /<example>/i.test(l) || isExampleKey(KEY_LINE.exec(l)?.[2] ?? ""));
  const own = hasExample ? { ok: false as const } : tryParse(block.join("\n"));
  if (own.ok && own.value && typeof own.value === "object" && key in own.value) {
    const v = (own.value as Record<string, unknown>)[key];
    return { value: v, style: typeof v === "object" && v !== null ? "COLLECTION" : "RAW" };
  }
  if (rest.length === 0) {
    const single = tryParse(inline);
    // "Writes docs. Note: it never checks links" parses as a one-key map; only a value that
    // opens as a flow collection is meant as one.
    const collection = single.ok && typeof single.value === "object" && single.value !== null;
    if (single.ok && inline !== "" && (!collection || /^[[{]/.test(inline))) {
      return { value: single.value, style: "RAW" };
    }
    return { value: unquote(inline), style: "RAW" };
  }
  const body = rest.map((l) => l.trim());
  if (/^[|>][+-]?\d*$/.test(inline)) {
    const lines = rest.map((l) => l.replace(/^\s+/, ""));
    return { value: inline.startsWith("|") ? lines.join("\n") : lines.join(" ").trim(), style: "RAW" };
  }
  // A plain scalar folded over several lines; an example keeps its lines ("user:" starts one).
  const lines = [inline, ...body].filter(Boolean);
  return { value: unquote(lines.join(hasExample ? "\n" : " ")), style: "RAW" };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  return withoutStacks(() => tryParseYaml(text));
}

function tryParseYaml(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length > 0) return { ok: false };
    return { ok: true, value: doc.toJS({ maxAliasCount: 10 }) };
  } catch {
    return { ok: false };
  }
}

function unquote(text: string): string {
  if (text.length >= 2) {
    const q = text[0];
    if ((q === '"' || q === "'") && text.endsWith(q)) return text.slice(1, -1);
  }
  return text;
}

/** No frontmatter: metadata may still be given as a Markdown list near the top. */
function readMarkdownList(lines: readonly Line[], diagnostics: DiagnosticList): Frontmatter {
  const result = noFrontmatter();
  const limit = Math.min(lines.length, 40);
  const fields: FieldSpan[] = [];
  const data: Record<string, unknown> = {};
  for (let i = 0; i < limit; i++) {
    const text = lines[i]!.text;
    if (/^#{2,6}\s/.test(text) && fields.length > 0) break;
    const m = LIST_META.exec(text);
    if (!m) continue;
    const key = (m[1] ?? m[3] ?? "").trim().toLowerCase();
    if (!LIST_META_KEYS.has(key) || key in data) continue;
    const raw = (m[2] ?? m[4] ?? "").trim().replace(/^`(.*)`$/, "$1");
    data[key] = key === "tools" || key === "skills" ? raw : raw;
    fields.push({ key, startLine: i, endLine: i + 1 });
  }
  if (fields.length > 0 && ("name" in data || fields.length >= 2)) {
    diagnostics.warn(
      "frontmatter-markdown-list",
      `no frontmatter; metadata read from a Markdown list (${fields.map((f) => f.key).join(", ")})`,
      fields[0]!.startLine + 1,
      1,
    );
    const styles: Record<string, string> = {};
    for (const k of Object.keys(data)) styles[k] = "RAW";
    return { ...result, format: "markdown-list", data, fields, styles };
  }
  return result;
}

/** Parses one YAML value, for callers that need to read a raw string as YAML. */
export function parseYamlValue(text: string): unknown {
  try {
    return withoutStacks(() => parse(text));
  } catch {
    return text;
  }
}
