// Descriptions often carry usage examples inline, as `<example>` blocks, and authors who wrote
// the whole description on one line used literal `\n` escapes for line breaks.
import type { Example } from "./types.js";

/**
 * Turns literal `\n` (and `\t`, `\r\n`) escapes into the characters they stand for. Only called
 * for values YAML did not already unescape (plain, single-quoted, block and tolerant values), so
 * a double-quoted "a\nb" is never unescaped twice. `\\n` stays a literal backslash-n.
 */
export function unescapeNewlines(text: string): string {
  if (!/\\[nrt]/.test(text)) return text;
  return text.replace(/\\\\|\\r\\n|\\n|\\t|\\r/g, (m) => {
    switch (m) {
      case "\\\\":
        return "\\\\";
      case "\\t":
        return "\t";
      default:
        return "\n";
    }
  });
}

// Where an example stood in the prose; removed with the bullet that introduced it.
const EXAMPLE_MARK = "\u{E000}";
const EXAMPLE_MARK_RE = /[ \t]*-?[ \t]*\u{E000}/gu;
const EXAMPLE_RE = /<example>([\s\S]*?)(?:<\/example>|$)/gi;
const COMMENTARY_RE = /<commentary>([\s\S]*?)(?:<\/commentary>|$)/i;
const LABEL_RE = /(?:^|\s)(context|user|assistant)\s*:/gi;

export interface SplitDescription {
  prose: string;
  examples: Example[];
}

/** Separates the prose of a description from its `<example>` blocks. */
export function splitExamples(description: string): SplitDescription {
  if (!/<example>/i.test(description)) return { prose: description.trim(), examples: [] };
  const examples: Example[] = [];
  const prose = description.replace(EXAMPLE_RE, (_m, inner: string) => {
    examples.push(parseExample(inner));
    return EXAMPLE_MARK;
  });
  return { prose: cleanProse(prose), examples };
}

// Examples written with tags instead of labels: <context>, <user_request>, <assistant_response>.
const TAGGED =
  /<(context|user(?:_request|_query|_message|_input)?|human|assistant(?:_response|_reply|_message)?|response)>([\s\S]*?)(?:<\/\1>|(?=<[a-z_]+>)|$)/gi;

function labelTags(text: string): string {
  if (!/<(?:context|user|human|assistant|response)/i.test(text)) return text;
  return text.replace(TAGGED, (_m, tag: string, body: string) => {
    const t = tag.toLowerCase();
    const label = t === "context" ? "Context" : t.startsWith("user") || t === "human" ? "user" : "assistant";
    return `\n${label}: ${body.trim()}\n`;
  });
}

function parseExample(inner: string): Example {
  const text = inner.trim();
  let rest = labelTags(text);
  let commentary: string | null = null;
  const c = COMMENTARY_RE.exec(rest);
  if (c) {
    commentary = tidy(c[1]!);
    rest = rest.slice(0, c.index) + rest.slice(c.index + c[0].length);
  }
  const fields: Record<string, string | null> = { context: null, user: null, assistant: null };
  const labels: { key: string; start: number; valueStart: number }[] = [];
  LABEL_RE.lastIndex = 0;
  for (let m = LABEL_RE.exec(rest); m !== null; m = LABEL_RE.exec(rest)) {
    labels.push({ key: m[1]!.toLowerCase(), start: m.index, valueStart: m.index + m[0].length });
  }
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (fields[l.key] !== null) continue;
    const end = i + 1 < labels.length ? labels[i + 1]!.start : rest.length;
    fields[l.key] = unquote(tidy(rest.slice(l.valueStart, end))) || null;
  }
  return {
    context: fields.context ?? null,
    user: fields.user ?? null,
    assistant: fields.assistant ?? null,
    commentary: commentary || null,
    text,
  };
}

function tidy(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "-")
    .join("\n")
    .trim();
}

function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2) {
    const q = t[0];
    if ((q === '"' || q === "'" || q === "“") && /["'”]$/.test(t)) return t.slice(1, -1).trim();
  }
  return t;
}

/** What remains once the examples are out: drop the "Examples:" lead-in and empty bullets. */
function cleanProse(text: string): string {
  return text
    .replace(EXAMPLE_MARK_RE, "")
    .replace(/(?:^|\s)examples?:?\s*$/i, "")
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .filter((l, i, all) => !(l.trim() === "-" || (l === "" && all[i - 1] === "")))
    .join("\n")
    .replace(/\s*(?:for )?examples?:\s*$/i, "")
    .trim();
}
