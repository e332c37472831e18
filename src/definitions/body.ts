// The body is read line by line: ATX headings and list items outside fenced code blocks are all
// the structure the extractors need. (markdown-it was measured at 962 files/s over the corpus,
// well under the 2,000 files/s target; see docs/decisions/0002-line-scanner-for-markdown.md.)
import type { Line } from "./lines.js";
import { toKebab } from "./names.js";
import type { Section } from "./types.js";

export interface BodyLine {
  /** 0-based index in the file. */
  index: number;
  text: string;
  /** Inside a fenced code block (fence lines included). */
  code: boolean;
}

export interface ScannedBody {
  lines: BodyLine[];
  sections: Section[];
  /** For each section, the index of its parent section (or -1). */
  parents: number[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

export function scanBody(lines: readonly Line[], start: number): ScannedBody {
  const body: BodyLine[] = [];
  const headings: { index: number; level: number; title: string }[] = [];
  // Fences opened inside a fence: CommonMark reads "```bash" inside a "```markdown" template as
  // text and closes the template at the inner "```", which then opens a fence over the rest of
  // the file. Authors mean nesting, so an inner fence with an info string is tracked, and a
  // closing fence closes the innermost one open (the outer one only when it is longer than the
  // inner, as CommonMark says).
  let fence: { char: string; length: number; inner: number[] } | null = null;
  for (let i = start; i < lines.length; i++) {
    const text = lines[i]!.text;
    if (fence) {
      const c = firstChar(text);
      const f = c === 96 || c === 126 ? FENCE.exec(text) : null;
      if (f && f[1]![0] === fence.char) {
        const length = f[1]!.length;
        const info = f[2]!.trim();
        const top = fence.inner.at(-1);
        if (info === "") {
          if (length >= fence.length && (top === undefined || length > top)) fence = null;
          else if (top !== undefined && length >= top) fence.inner.pop();
        } else if (/^[\w+#.-]+$/.test(info) && !info.includes(fence.char)) {
          fence.inner.push(length);
        }
      }
      body.push({ index: i, text, code: true });
      continue;
    }
    const c = firstChar(text);
    const f = c === 96 || c === 126 ? FENCE.exec(text) : null;
    if (f && !(f[1]![0] === "`" && f[2]!.includes("`")) && !strayCloser(lines, i, f[2]!)) {
      fence = { char: f[1]![0]!, length: f[1]!.length, inner: [] };
      body.push({ index: i, text, code: true });
      continue;
    }
    body.push({ index: i, text, code: false });
    const h = c === 35 ? HEADING.exec(text) : null;
    if (h) headings.push({ index: i, level: h[1]!.length, title: cleanTitle(h[2] ?? "") });
  }

  const sections: Section[] = [];
  const parents: number[] = [];
  const stack: number[] = [];
  const last = lines.length - 1;
  // Each section's text is a slice of one joined body, not a join per section.
  let joined = "";
  const offsets: number[] = [];
  if (headings.length > 0) {
    const from = headings[0]!.index;
    for (let i = from; i < lines.length; i++) {
      offsets.push(joined.length);
      joined += i === lines.length - 1 ? lines[i]!.text : `${lines[i]!.text}\n`;
    }
    offsets.push(joined.length);
  }
  const at = (i: number) => offsets[i - (headings[0]?.index ?? 0)]!;
  for (let k = 0; k < headings.length; k++) {
    const h = headings[k]!;
    const next = headings[k + 1];
    const end = next ? next.index - 1 : last;
    const text = end > h.index ? joined.slice(at(h.index + 1), at(end + 1)).trim() : "";
    while (stack.length > 0 && sections[stack.at(-1)!]!.level >= h.level) stack.pop();
    parents.push(stack.at(-1) ?? -1);
    sections.push({
      title: h.title,
      key: toKebab(h.title),
      level: h.level,
      line: h.index + 1,
      endLine: Math.max(h.index, end) + 1,
      text,
    });
    stack.push(sections.length - 1);
  }
  return { lines: body, sections, parents };
}

/**
 * The char code after up to three spaces: a fence starts with ` or ~, a heading with #; testing
 * it first keeps the expressions off the other lines.
 */
export function firstChar(text: string): number {
  let i = 0;
  while (i < 3 && text.charCodeAt(i) === 32) i++;
  return text.charCodeAt(i);
}

/**
 * A bare fence, then a blank line, then a `##` heading: the leftover closer of a template whose
 * opening fence was closed early (one real file has it); read as an opening fence it would hide
 * the rest of the file. A code block does not start with a blank line and a Markdown heading
 * (`# comment` in a shell block has one hash and no blank line before it).
 */
function strayCloser(lines: readonly Line[], i: number, info: string): boolean {
  if (info.trim() !== "" || lines[i + 1]?.text.trim() !== "") return false;
  for (let j = i + 2; j < lines.length && j < i + 4; j++) {
    const t = lines[j]!.text;
    if (t.trim() === "") continue;
    return /^#{2,6}\s+\S/.test(t);
  }
  return false;
}

// Leading words that are symbols: emoji, or emoji mis-decoded as Windows-1252 ("ðŸ§ ", "âš¡").
const LEADING_SYMBOLS = /^(?:(?:[^\p{L}\p{N}\s]+|[ðâïÃ][\u0080-\uFFFF]{1,3})[\s\u00a0]*)+/u;

const ASCII_TITLE = /^[A-Za-z0-9][ -~\t]*$/;

/**
 * A heading's title without emoji (including emoji that went through a wrong encoding and came
 * out as "ðŸ§ "), Markdown markup or a trailing colon.
 */
export function cleanTitle(raw: string): string {
  const plain =
    raw.includes("*") || raw.includes("_") || raw.includes("`") ? raw.replace(/\*\*|__|`/g, "") : raw;
  // Most titles are ASCII and start with a letter or digit: no symbols to remove.
  if (ASCII_TITLE.test(plain))
    return plain
      .replace(/[\s:]+$/, "")
      .replace(/\s{2,}/g, " ")
      .trim();
  return plain
    .replace(LEADING_SYMBOLS, "")
    .replace(/\p{Extended_Pictographic}|\uFE0F|\u200D/gu, "")
    .replace(/[\s:]+$/, "")
    .replace(/\s{2,}/g, " ")
    .trim();
}

/** The body lines from `startIndex` (0-based file line) up to, not including, `endIndex`. */
export function linesBetween(body: ScannedBody, startIndex: number, endIndex: number): BodyLine[] {
  const first = body.lines[0]?.index ?? 0;
  return body.lines.slice(Math.max(0, startIndex - first), Math.max(0, endIndex - first));
}

/** A section and every section nested under it, as a range of 0-based file lines. */
export function sectionRange(body: ScannedBody, k: number): { start: number; end: number } {
  const s = body.sections[k]!;
  let end = s.endLine; // exclusive 0-based end == inclusive 1-based endLine
  for (let j = k + 1; j < body.sections.length && body.sections[j]!.level > s.level; j++) {
    end = body.sections[j]!.endLine;
  }
  return { start: s.line, end };
}
