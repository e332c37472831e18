// Prose is read in logical units, not physical lines: a list item with its wrapped continuation
// lines, or a paragraph. Hard-wrapped files split "hand the / result to the training engineer"
// over two lines, and a line-by-line reader would miss it. Each unit keeps where every physical
// line starts, so an edge's evidence is the line its verb is on.
import { type BodyLine, firstChar } from "./body.js";
import type { Section } from "./types.js";

export interface Unit {
  text: string;
  /** Offsets in `text` where each physical line starts, with that line. */
  starts: { offset: number; line: BodyLine }[];
  /** Indentation of a list item's marker; -1 for a paragraph. */
  indent: number;
  /** Ordered list item ("1. …"). */
  ordered: boolean;
  /** Index in the unit list of the list item this one is nested under, or -1. */
  parent: number;
  /** Blocks are separated by blank lines and headings: a lead-in reaches the next block only. */
  block: number;
  /** Title of the section the unit is in (null before the first heading). */
  section: string | null;
  /** Index of that section in the scanned body, or -1. */
  sectionIndex: number;
}

const ITEM = /^(\s*)(?:[-*+]|(\d+)[.)])\s+/;
const HEADING = /^ {0,3}#{1,6}(?:\s|$)/;
const TABLE = /^\s*\|/;

export function buildUnits(lines: readonly BodyLine[], sections: readonly Section[]): Unit[] {
  const units: Unit[] = [];
  let current: Unit | null = null;
  const stack: number[] = [];
  let block = 0;
  let k = -1;
  for (const line of lines) {
    const t = line.text;
    while (k + 1 < sections.length && sections[k + 1]!.line - 1 <= line.index) k++;
    const c = firstChar(t);
    const heading = c === 35 && HEADING.test(t);
    if (line.code || heading || Number.isNaN(c) || (c === 124 && TABLE.test(t)) || t.trim() === "") {
      if (current || heading) block++;
      current = null;
      if (heading) stack.length = 0;
      continue;
    }
    const section = k >= 0 ? sections[k]!.title : null;
    const item =
      c === 45 || c === 42 || c === 43 || (c >= 48 && c <= 57) || c === 32 || c === 9 ? ITEM.exec(t) : null;
    if (item) {
      const indent = item[1]!.length;
      while (stack.length > 0 && units[stack.at(-1)!]!.indent >= indent) stack.pop();
      const unit: Unit = {
        text: t,
        starts: [{ offset: 0, line }],
        indent,
        ordered: item[2] !== undefined,
        parent: stack.at(-1) ?? -1,
        block,
        section,
        sectionIndex: k,
      };
      units.push(unit);
      stack.push(units.length - 1);
      current = unit;
      continue;
    }
    const open = current as Unit | null;
    if (open) {
      open.starts.push({ offset: open.text.length + 1, line });
      open.text += ` ${t.trim()}`;
      continue;
    }
    stack.length = 0;
    current = {
      text: t,
      starts: [{ offset: 0, line }],
      indent: -1,
      ordered: false,
      parent: -1,
      block,
      section,
      sectionIndex: k,
    };
    units.push(current);
  }
  return units;
}

/** The physical line a character offset of the unit falls on. */
export function lineAt(unit: Unit, offset: number): BodyLine {
  let found = unit.starts[0]!.line;
  for (const s of unit.starts) {
    if (s.offset > offset) break;
    found = s.line;
  }
  return found;
}

/**
 * Quoted text is an example request ("Design a system that coordinates with partner-apis"),
 * not a statement about this agent: blanked, keeping offsets.
 */
export function blankQuotes(text: string): string {
  if (!/["“]/.test(text)) return text;
  return text.replace(/"[^"\n]*"|“[^”\n]*”/g, (m) => " ".repeat(m.length));
}
