// Collaboration edges written in an agent's body, normalized to edges between kebab-case names:
// - "Upstream Dependencies (Receives Input From)": `- **x** → what x provides` is a handoff x → self;
// - "Downstream Deliverables (Provides Output To)": `- **x** ← what x receives` is self → x;
// - "Peer Collaboration": `- **x** ↔ **y**: topic` is a peer edge;
// - "Working with Database Architect" under a collaboration heading is a peer edge.
// Indented `**Input Format**:` bullets under an entry are its attributes, never agents.
// Sentences and lists elsewhere are read by ./collaboration-prose.ts, delegation written as
// data by ./collaboration-delegation.ts, the description by ./collaboration-description.ts.
import { nameAt } from "./agent-names.js";
import { findArrow } from "./arrows.js";
import { type BodyLine, linesBetween, type ScannedBody, sectionRange } from "./body.js";
import { readDelegation } from "./collaboration-delegation.js";
import { readDescriptionEdges, type SourceLine } from "./collaboration-description.js";
import { readProse } from "./collaboration-prose.js";
import { stripMarkup, toKebab } from "./names.js";
import type { Collaboration } from "./types.js";

type Mode = "upstream" | "downstream" | "peer";

const UPSTREAM = /upstream|receives?\s+(?:input|work|requests?)|inputs?\s+from|depends\s+on/i;
const DOWNSTREAM = /downstream|provides?\s+output|outputs?\s+to|hands?\s*-?\s*offs?\s+to|delivers?\s+to/i;
// Not any "peer": a "Peer review" section lists review steps, not agents.
const PEER =
  /\bpeer\s+(?:collaboration|agents?|collaborators?)\b|^peers$|works?\s+alongside|parallel\s+collaboration/i;
const COLLAB_PARENT = /collaborat|coordinat|integration|hand-?offs?|team|cross-agent|works?\s+with/i;
const WORKING_WITH = /^(?:working|collaborating|coordinating|partnering)\s+with\s+(?:the\s+)?(.+)$/i;
const LIST_ITEM = /^(\s*)[-*+]\s+(.*)$/;
const ATTRIBUTE = /^\*\*([^*]+?):?\*\*:?\s*(.*)$/;
const PHASE = /^\s*\*\*([^*]+?)\*\*:?\s*$/;
// Keys of an entry's attribute bullets: never agents, even where the entry above them is missing.
const ATTRIBUTE_KEY =
  /^(?:input|output|input format|output format|format|quality gate|deliverables?|handoff location|handoff|location|coordination point|sync frequency|frequency|communication|timing|trigger|success criteria|phase|when selected|responsibilities|example)$/i;

export interface DescriptionSource {
  text: string;
  lines: readonly SourceLine[];
}

export function readCollaborations(
  self: string,
  body: ScannedBody,
  description: DescriptionSource | null = null,
): Collaboration[] {
  const edges: Collaboration[] = [];
  const seen = new Set<string>();
  const push = (e: Collaboration) => {
    if (e.from === e.to) return;
    const a =
      e.kind === "peer" || e.kind === "mention" ? [e.from, e.to].sort().join("|") : `${e.from}>${e.to}`;
    const key = `${e.kind}:${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(e);
  };
  // Lines the section readers own: the prose reader leaves them alone.
  const owned = new Set<number>();

  body.sections.forEach((section, k) => {
    const mode = sectionMode(section.title);
    const underCollab = ancestry(body, k).some((t) => COLLAB_PARENT.test(t));
    const { start } = sectionRange(body, k);
    const working = WORKING_WITH.exec(section.title);
    if (working && underCollab) {
      const name = nameAt(working[1]!, "titled");
      if (name) {
        push({
          kind: "peer",
          from: self,
          to: name.name,
          summary: null,
          attributes: {},
          phase: null,
          section: section.title,
          evidence: { line: section.line, text: `${"#".repeat(section.level)} ${section.title}` },
          ...(name.written !== name.name ? { toText: name.written } : {}),
        });
        return;
      }
    }
    if (mode) {
      // Only this section's own lines: nested sections get their own pass (they may change mode).
      const own = linesBetween(body, start, section.endLine);
      for (const l of own) owned.add(l.index);
      readEntries(self, mode, own, section.title, push);
    }
  });
  readProse(self, body, owned, push);
  readDelegation(self, body.lines, push);
  if (description) readDescriptionEdges(self, description.text, description.lines, push);
  // A mention adds nothing where the text already says how the two work together.
  const related = new Set(
    edges.filter((e) => e.kind !== "mention").map((e) => [e.from, e.to].sort().join("|")),
  );
  return edges.filter((e) => e.kind !== "mention" || !related.has([e.from, e.to].sort().join("|")));
}

function sectionMode(title: string): Mode | null {
  if (UPSTREAM.test(title)) return "upstream";
  if (DOWNSTREAM.test(title)) return "downstream";
  if (PEER.test(title)) return "peer";
  return null;
}

function ancestry(body: ScannedBody, k: number): string[] {
  const titles: string[] = [];
  for (let p = body.parents[k]!; p !== -1; p = body.parents[p]!) titles.push(body.sections[p]!.title);
  return titles;
}

function readEntries(
  self: string,
  mode: Mode,
  lines: readonly BodyLine[],
  section: string,
  push: (e: Collaboration) => void,
): void {
  let phase: string | null = null;
  let current: Collaboration | null = null;
  // The indentation of the last top-level bullet, parsed or not: deeper bullets belong to it.
  let entryIndent = -1;
  for (const line of lines) {
    if (line.code) continue;
    const p = PHASE.exec(line.text);
    if (p) {
      phase = stripMarkup(p[1]!);
      current = null;
      entryIndent = -1;
      continue;
    }
    const item = LIST_ITEM.exec(line.text);
    if (!item) continue;
    const indent = item[1]!.length;
    const content = item[2]!;
    if (entryIndent !== -1 && indent > entryIndent) {
      const a = ATTRIBUTE.exec(content);
      if (a && current) current.attributes[camel(a[1]!)] = a[2]!.trim();
      continue;
    }
    entryIndent = indent;
    const a = ATTRIBUTE.exec(content);
    const parsed = a && ATTRIBUTE_KEY.test(stripMarkup(a[1]!)) ? null : parseEntry(self, mode, content);
    if (!parsed) {
      current = null;
      continue;
    }
    current = {
      kind: parsed.kind,
      from: parsed.from.name,
      to: parsed.to.name,
      summary: parsed.summary,
      attributes: {},
      phase,
      section,
      evidence: { line: line.index + 1, text: line.text },
    };
    for (const [which, n] of [
      ["from", parsed.from],
      ["to", parsed.to],
    ] as const) {
      if (n.group) current[which === "from" ? "fromKind" : "toKind"] = "group";
      if (n.written !== n.name) current[which === "from" ? "fromText" : "toText"] = n.written;
    }
    push(current);
  }
}

interface Side {
  name: string;
  written: string;
  group: boolean;
}

interface Entry {
  kind: "handoff" | "peer";
  from: Side;
  to: Side;
  summary: string | null;
}

/** The whole text is one name: "**Project Owner/User** ", "**senior (PM Agent)**". */
function entryName(text: string): Side | null {
  const t = text.trim();
  const n = nameAt(t, "titled");
  if (!n) return null;
  const rest = t.slice(/^(?:\*\*[^*]+\*\*|`[^`]+`)/.exec(t)?.[0].length ?? n.written.length).trim();
  return rest === "" || /^\([^)]*\)$/.test(rest) ? n : null;
}

function parseEntry(self: string, mode: Mode, content: string): Entry | null {
  const arrow = findArrow(content);
  if (arrow) {
    const left = entryName(content.slice(0, arrow.index));
    if (!left) return null;
    const right = content.slice(arrow.index + arrow.length).trim();
    // A second agent is marked up or hyphenated: "→ **editor**: drafts", "→ qa-engineer".
    const second = /^(\*\*[^*]+\*\*|`[^`]+`|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?=\s*:|\s*$)\s*:?\s*(.*)$/.exec(
      right,
    );
    const other = second ? entryName(second[1]!) : null;
    if (other) {
      const summary = second![2]!.trim() || null;
      if (arrow.arrow === "both") return peer(self, left, other, summary);
      return arrow.arrow === "right"
        ? { kind: "handoff", from: left, to: other, summary }
        : { kind: "handoff", from: other, to: left, summary };
    }
    return byMode(self, mode, left, right || null);
  }
  const m = /^(\*\*[^*]+\*\*|`[^`]+`)\s*[:\-–—]\s*(.*)$/.exec(content);
  if (!m) return null;
  const name = entryName(m[1]!);
  return name ? byMode(self, mode, name, m[2]!.trim() || null) : null;
}

function selfSide(self: string): Side {
  return { name: self, written: self, group: false };
}

function peer(self: string, a: Side, b: Side, summary: string | null): Entry {
  // Keep the stating agent on the `from` side so that its peers read as its collaborators.
  if (b.name === self) return { kind: "peer", from: b, to: a, summary };
  return { kind: "peer", from: a, to: b, summary };
}

function byMode(self: string, mode: Mode, name: Side, summary: string | null): Entry {
  if (mode === "upstream") return { kind: "handoff", from: name, to: selfSide(self), summary };
  if (mode === "downstream") return { kind: "handoff", from: selfSide(self), to: name, summary };
  return peer(self, selfSide(self), name, summary);
}

function camel(text: string): string {
  const k = toKebab(text);
  return k.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
