// Collaboration stated in sentences and lists outside the upstream/downstream/peer sections:
// - "Integration with other agents:" (a lead-in line, an inline paragraph or a heading) and
//   "Related Agents": every item with any verb, or a bold name (peer);
// - workflow positions (`**After**: x`, `**Before**: x`, `**Complements**: a, b`);
// - arrow chains of names (`a → b → c`), worked examples ("1. **spec-writer** drafts…");
// - agent directories ("## Agents You Can Delegate To": `- **x**: …`);
// - "vs x" distinctions (mention);
// - and anywhere else, verbs that say it: "hand off to", "defer … to", "→ consult `x`".
import { nameAt, namesAt } from "./agent-names.js";
import type { ScannedBody } from "./body.js";
import { edgeBetween, edgeTo, type Push } from "./collaboration-edge.js";
import { blankQuotes, buildUnits, lineAt, type Unit } from "./collaboration-units.js";
import { type Direction, verbEdges } from "./collaboration-verbs.js";

export const INTEGRATION_LEAD =
  /^collaboration$|integration\s+with\s+other\s+agents|(?:collaborates?|works?|coordinates?|integrates?|collaboration)\s+with\s+other\s+agents|related\s+agents|inter-?agent\s+collaboration|works\s+well\s+with/i;
const DIRECTORY =
  /\b(?:agents?|sub-?agents?|specialists?)\b.*\b(?:delegate|dispatch|assign|route|hand\s+off|call)\b|\bavailable\s+(?:sub-?)?agents\b|\bagent\s+(?:directory|roster|registry)\b|\bspecialist\s+agents\b/i;
const BULLET = /^\s*(?:[-*+]|\d+[.)])\s+/;
const LEAD_NAME = /^(?:\*\*[^*]+\*\*|`[^`]+`|@[\w-]+)/;
const POSITION = /^\*\*([^*]+?):?\*\*\s*:?\s*(.*)$/;
const POSITIONS: Record<string, Direction> = {
  after: "in",
  follows: "in",
  "preceded by": "in",
  "receives from": "in",
  upstream: "in",
  before: "out",
  precedes: "out",
  "followed by": "out",
  "hands off to": "out",
  "hand off to": "out",
  "delegates to": "out",
  feeds: "out",
  downstream: "out",
  complements: "peer",
  complement: "peer",
  "pairs with": "peer",
  "works with": "peer",
  "works alongside": "peer",
};
// Free prose names agents only in these ways (see Certainty in ./agent-names.ts): a unit with
// none of them is skipped before any verb is looked for (half the corpus's units).
const ROLE_WORD =
  /(?:engineer|architect|reviewer|developer|designer|writer|analyst|auditor|specialist|manager|planner|tester|orchestrator|strategist|expert|coordinator|lead|judge)s?\b|\bto (?:the )?[A-Z]/;
function mayName(text: string): boolean {
  // A leading bold label ("**Scope**: …") is not markup a name after a verb could be in: half
  // the units of free prose are "**Label**: plain words" and were read for nothing. (Its own
  // words still count: "**Delegate to `x`**".)
  const c = text.charCodeAt(0);
  const label = c === 42 || c === 96 ? LEAD_LABEL.exec(text) : null;
  const t = label
    ? `${label[0].slice(label[0].startsWith("**") ? 2 : 1, label[0].startsWith("**") ? -2 : -1)} ${text.slice(label[0].length)}`
    : text;
  if (t.includes("*") || t.includes("`") || t.includes("-") || t.includes("@")) return true;
  if (t.includes("agent") || t.includes("Team")) return true;
  // Plain words name an agent only after "to", "from", "hands off" or "message".
  if (!(t.includes(" to ") || t.includes(" from ") || t.includes(" off") || t.includes("essag")))
    return false;
  return ROLE_WORD.test(t);
}
const LEAD_LABEL = /^(?:\*\*[^*]+\*\*|`[^`]+`)/;
const LEAD_HINT = /agents|collaboration|works well/i;
const CHAIN_ARROW = /\s*(?:→|->|⟶|=>|â†’)\s*/;
const VS = /\bvs\.?\s+/gi;

export function readProse(self: string, body: ScannedBody, skip: ReadonlySet<number>, push: Push): void {
  const units = buildUnits(body.lines, body.sections);
  // Section titles are tested once each, not once per unit.
  const integration = body.sections.map((sec) => INTEGRATION_LEAD.test(sec.title));
  const directory = body.sections.map((sec) => DIRECTORY.test(sec.title));
  let lead: { block: number; section: string | null } | null = null;
  for (let u = 0; u < units.length; u++) {
    const unit = units[u]!;
    // Lines of upstream/downstream sections are the section reader's, but for an
    // "Integration with other agents:" list written inside one.
    const owned = skip.has(unit.starts[0]!.line.index);
    const isItem = unit.indent >= 0;
    if (lead && (!isItem || unit.block > lead.block + 1 || unit.section !== lead.section)) lead = null;
    if (!isItem && LEAD_HINT.test(unit.text) && INTEGRATION_LEAD.test(unit.text)) {
      const colon = unit.text.search(/:\s*\S/);
      if (colon !== -1 && !/:\s*$/.test(unit.text) && colon < 60) {
        readInline(self, unit, colon + 1, push);
      }
      lead = { block: unit.block, section: unit.section };
      continue;
    }
    const k = unit.sectionIndex;
    if (isItem && (lead || (k >= 0 && integration[k]))) {
      readListItem(self, unit, push);
      continue;
    }
    if (owned) continue;
    if (isItem && k >= 0 && directory[k] && unit.parent === -1 && readDirectoryItem(self, unit, push))
      continue;
    const c = content(unit);
    // Workflow positions ("**After**: Database Architect") name agents in their label's text.
    const position = c.text.startsWith("**") && isPosition(c.text);
    if (!position && !mayName(c.text)) continue;
    readFreeUnit(self, unit, c, units, u, push);
  }
}

function content(unit: Unit): { text: string; at: number } {
  if (unit.indent < 0) return { text: unit.text, at: 0 };
  const b = BULLET.exec(unit.text);
  return b ? { text: unit.text.slice(b[0].length), at: b[0].length } : { text: unit.text, at: 0 };
}

function where(unit: Unit, offset: number, summary: string | null = null) {
  const line = lineAt(unit, offset);
  return { evidence: { line: line.index + 1, text: line.text }, section: unit.section, summary };
}

function readListItem(self: string, unit: Unit, push: Push): void {
  const { text: raw, at } = content(unit);
  if (/^["“]/.test(raw)) return;
  const text = blankQuotes(raw);
  if (LEAD_NAME.test(text)) {
    const n = nameAt(text, "titled");
    if (n && /^\s*(?:[:\-–—]|$)/.test(text.slice(leadLength(text)))) {
      const summary =
        text
          .slice(leadLength(text))
          .replace(/^\s*[:\-–—]\s*/, "")
          .trim() || null;
      push(edgeTo("peer", self, n, where(unit, at, summary)));
      return;
    }
  }
  const found = verbEdges(text, true);
  if (found.length === 0) {
    const w = /\bwith\s+/i.exec(text);
    if (w)
      for (const n of namesAt(text.slice(w.index + w[0].length), "titled"))
        push(edgeTo("peer", self, n, where(unit, at)));
    return;
  }
  for (const e of found) push(edgeTo(e.direction, self, e.target, where(unit, at + e.index)));
}

function leadLength(text: string): number {
  return LEAD_NAME.exec(text)?.[0].length ?? 0;
}

/** "Integration with other agents: work with a on x, support b on y, …" */
function readInline(self: string, unit: Unit, from: number, push: Push): void {
  const text = blankQuotes(unit.text);
  const re = /[^,;]+/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    for (const e of verbEdges(m[0], true)) {
      push(edgeTo(e.direction, self, e.target, where(unit, m.index + e.index)));
    }
  }
}

function readDirectoryItem(self: string, unit: Unit, push: Push): boolean {
  const { text, at } = content(unit);
  if (!LEAD_NAME.test(text)) return false;
  const n = nameAt(text, "titled");
  if (!n) return false;
  const summary =
    text
      .slice(leadLength(text))
      .replace(/^\s*[:\-–—]\s*/, "")
      .trim() || null;
  push(edgeTo("out", self, n, where(unit, at, summary)));
  return true;
}

function readFreeUnit(
  self: string,
  unit: Unit,
  { text: raw, at }: { text: string; at: number },
  units: readonly Unit[],
  u: number,
  push: Push,
): void {
  if (/^["“]/.test(raw)) return;
  const text = blankQuotes(raw);
  const key = text.startsWith("**") ? positionKey(text) : null;
  const p = key !== null && Object.hasOwn(POSITIONS, key) ? POSITION.exec(text) : null;
  const direction = p ? POSITIONS[p[1]!.trim().toLowerCase()] : undefined;
  if (p && direction) {
    const offset = at + text.length - p[2]!.length;
    for (const n of namesAt(p[2]!, "titled")) push(edgeTo(direction, self, n, where(unit, offset)));
    return;
  }
  if (readChain(self, unit, text, at, push)) return;
  if (unit.ordered) readWorkedStep(self, units, u, push);
  if (text.includes("vs")) {
    VS.lastIndex = 0;
    for (let m = VS.exec(text); m !== null; m = VS.exec(text)) {
      // "**vs database-architect**:" or "vs the C4-Code agent": not "schema-on-read vs schema-on-write".
      const n = nameAt(text.slice(m.index + m[0].length), "strict");
      if (n && (n.agentWord || text.slice(0, m.index).endsWith("**")))
        push(edgeTo("mention", self, n, where(unit, at + m.index)));
    }
  }
  for (const e of verbEdges(text, false))
    push(edgeTo(e.direction, self, e.target, where(unit, at + e.index)));
}

/**
 * The bold label a text starts with, as POSITION would read it ("**After:**" → "after"), found
 * without the expression: most bold labels are not positions.
 */
function positionKey(text: string): string | null {
  const j = text.indexOf("*", 2);
  if (j <= 2 || text.charCodeAt(j + 1) !== 42) return null;
  const end = text.charCodeAt(j - 1) === 58 && j > 3 ? j - 1 : j;
  return text.slice(2, end).trim().toLowerCase();
}

function isPosition(text: string): boolean {
  const key = positionKey(text);
  return key !== null && Object.hasOwn(POSITIONS, key);
}

/** `**Flow**: a → b → c`: every part a name, each hands off to the next. */
function readChain(self: string, unit: Unit, text: string, at: number, push: Push): boolean {
  if (!hasArrow(text) || !CHAIN_ARROW.test(text)) return false;
  const body = text.replace(/^\*\*[^*]+\*\*\s*:?\s*/, "");
  const parts = body.split(CHAIN_ARROW).map((s) => s.trim().replace(/[.;,]$/, ""));
  if (parts.length < 2) return false;
  const names = parts.map((s) => {
    const n = nameAt(s, "strict");
    return n && n.written.length >= s.replace(/^(?:the\s+)?[*`@]*|[*`]*$/g, "").length ? n : null;
  });
  if (names.some((n) => n === null)) return false;
  for (let i = 1; i < names.length; i++) {
    push(edgeBetween("handoff", side(names[i - 1]!, self), side(names[i]!, self), self, where(unit, at)));
  }
  return true;
}

function hasArrow(text: string): boolean {
  return (
    text.includes("→") ||
    text.includes("->") ||
    text.includes("=>") ||
    text.includes("⟶") ||
    text.includes("â†")
  );
}

/** "1. **spec-writer** turns the idea into a spec / 2. **ui-sketcher** draws…": a → b. */
// "1. **spec-writer** drafts": a hyphenated name in markup, then a lower-case verb.
const STEP_WITH_NAME = /^\s*\d+[.)]\s+(?:\*\*|`)@?[A-Za-z0-9]+-[\w-]*(?:\*\*|`)\s+[a-z]/;

function readWorkedStep(self: string, units: readonly Unit[], u: number, push: Push): void {
  const prev = units[u - 1];
  const unit = units[u]!;
  if (!STEP_WITH_NAME.test(unit.text) || !prev || !STEP_WITH_NAME.test(prev.text)) return;
  if (!prev?.ordered || prev.parent !== unit.parent || prev.block !== unit.block) return;
  const a = stepAgent(prev);
  const b = stepAgent(unit);
  if (!a || !b) return;
  push(edgeBetween("handoff", side(a, self), side(b, self), self, where(unit, 0)));
}

function stepAgent(unit: Unit) {
  const { text } = content(unit);
  if (!LEAD_NAME.test(text) || !/^\s+[a-z]/.test(text.slice(leadLength(text)))) return null;
  // "1. **Analyze requirements** with…" is a step's title; agents are written as identifiers.
  const n = nameAt(text, "titled");
  return n?.identifier ? n : null;
}

function side<T extends { name: string }>(n: T, self: string): T | null {
  return n.name === self ? null : n;
}
