// Collaboration edges written in an agent's body, normalized to edges between kebab-case names:
// - "Upstream Dependencies (Receives Input From)": `- **x** → what x provides` is a handoff x → self;
// - "Downstream Deliverables (Provides Output To)": `- **x** ← what x receives` is self → x;
// - "Peer Collaboration": `- **x** ↔ **y**: topic` is a peer edge;
// - "Working with Database Architect" under a collaboration heading is a peer edge;
// - "Integration with other agents:" followed by "- Collaborate with x on …" items are peer edges.
import { findArrow } from "./arrows.js";
import { type BodyLine, linesBetween, type ScannedBody, sectionRange } from "./body.js";
import { asAgentName, stripMarkup, toKebab } from "./names.js";
import type { Collaboration } from "./types.js";

type Mode = "upstream" | "downstream" | "peer";

const UPSTREAM = /upstream|receives?\s+(?:input|work|requests?)|inputs?\s+from|depends\s+on/i;
const DOWNSTREAM = /downstream|provides?\s+output|outputs?\s+to|hands?\s*-?\s*offs?\s+to|delivers?\s+to/i;
// Not any "peer": a "Peer review" section lists review steps, not agents.
const PEER =
  /\bpeer\s+(?:collaboration|agents?|collaborators?)\b|^peers$|works?\s+alongside|parallel\s+collaboration/i;
const COLLAB_PARENT = /collaborat|coordinat|integration|hand-?offs?|team|cross-agent|works?\s+with/i;
const WORKING_WITH = /^(?:working|collaborating|coordinating|partnering)\s+with\s+(?:the\s+)?(.+)$/i;
const INTEGRATION_LEAD =
  /integration\s+with\s+other\s+agents|collaborates?\s+with\s+other\s+agents|works?\s+with\s+other\s+agents|related\s+agents/i;
const WITH_NAME =
  /\b(?:collaborate|coordinate|work|partner|integrate|sync|consult|pair|hand\s+off)s?\s+(?:closely\s+)?with\s+(?:the\s+)?(.+?)(?=\s+(?:on|for|to|when|during|about|regarding|in|around|so)\b|[,.;:(]|$)/i;
const LIST_ITEM = /^(\s*)[-*+]\s+(.*)$/;
const ATTRIBUTE = /^\*\*([^*]+?):?\*\*:?\s*(.*)$/;
const PHASE = /^\s*\*\*([^*]+?)\*\*:?\s*$/;

export function readCollaborations(self: string, body: ScannedBody): Collaboration[] {
  const edges: Collaboration[] = [];
  const seen = new Set<string>();
  const push = (e: Collaboration) => {
    if (e.from === e.to) return;
    const a = e.kind === "peer" ? [e.from, e.to].sort().join("|") : `${e.from}>${e.to}`;
    const key = `${e.kind}:${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(e);
  };

  body.sections.forEach((section, k) => {
    const mode = sectionMode(section.title);
    const underCollab = ancestry(body, k).some((t) => COLLAB_PARENT.test(t));
    const { start } = sectionRange(body, k);
    const working = WORKING_WITH.exec(section.title);
    if (working && underCollab) {
      const name = asAgentName(working[1]!);
      if (name) {
        push(
          edge(
            "peer",
            self,
            name,
            null,
            {},
            null,
            section.title,
            section.line,
            `${"#".repeat(section.level)} ${section.title}`,
          ),
        );
        return;
      }
    }
    if (mode) {
      // Only this section's own lines: nested sections get their own pass (they may change mode).
      const own = linesBetween(body, start, section.endLine);
      readEntries(self, mode, own, section.title, push);
    }
  });

  // "Integration with other agents:" as a lead-in line (not a heading) followed by a list.
  const lines = body.lines;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.code || !INTEGRATION_LEAD.test(l.text) || /^\s*#/.test(l.text)) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const item = lines[j]!;
      if (item.code) break;
      if (item.text.trim() === "") {
        if (j === i + 1) continue;
        break;
      }
      const m = LIST_ITEM.exec(item.text);
      if (!m) break;
      const target = withTarget(m[2]!);
      if (target)
        push(edge("peer", self, target.name, target.summary, {}, null, null, item.index + 1, item.text));
    }
  }
  // Headings titled like the lead-in ("## Integration with Other Agents") work the same way.
  body.sections.forEach((section, k) => {
    if (!INTEGRATION_LEAD.test(section.title)) return;
    const { start } = sectionRange(body, k);
    for (const item of linesBetween(body, start, section.endLine)) {
      const m = item.code ? null : LIST_ITEM.exec(item.text);
      if (!m || m[1]!.length > 1) continue;
      const target = withTarget(m[2]!) ?? boldTarget(m[2]!);
      if (target)
        push(
          edge("peer", self, target.name, target.summary, {}, null, section.title, item.index + 1, item.text),
        );
    }
  });
  return edges;
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

/** "Collaborate with backend-architect on API contracts" → backend-architect. */
function withTarget(text: string): { name: string; summary: string | null } | null {
  const m = WITH_NAME.exec(text);
  if (!m) return null;
  const name = asAgentName(m[1]!);
  if (!name) return null;
  const summary = text
    .slice(m.index + m[0].length)
    .replace(/^[\s:,-]+/, "")
    .trim();
  return { name, summary: summary || null };
}

/** "**security-auditor**: for security reviews" → security-auditor. */
function boldTarget(text: string): { name: string; summary: string | null } | null {
  const m = /^(\*\*[^*]+\*\*|`[^`]+`)\s*[:\-–—]?\s*(.*)$/.exec(text);
  if (!m) return null;
  const name = asAgentName(m[1]!);
  return name ? { name, summary: m[2]!.trim() || null } : null;
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
  let entryIndent = -1;
  for (const line of lines) {
    if (line.code) continue;
    const p = PHASE.exec(line.text);
    if (p) {
      phase = stripMarkup(p[1]!);
      current = null;
      continue;
    }
    const item = LIST_ITEM.exec(line.text);
    if (!item) continue;
    const indent = item[1]!.length;
    const content = item[2]!;
    if (current && indent > entryIndent) {
      const a = ATTRIBUTE.exec(content);
      if (a) current.attributes[camel(a[1]!)] = a[2]!.trim();
      continue;
    }
    const parsed = parseEntry(self, mode, content);
    if (!parsed) {
      current = null;
      continue;
    }
    entryIndent = indent;
    current = edge(
      parsed.kind,
      parsed.from,
      parsed.to,
      parsed.summary,
      {},
      phase,
      section,
      line.index + 1,
      line.text,
    );
    push(current);
  }
}

interface Entry {
  kind: "handoff" | "peer";
  from: string;
  to: string;
  summary: string | null;
}

function parseEntry(self: string, mode: Mode, content: string): Entry | null {
  const arrow = findArrow(content);
  if (arrow) {
    const left = asAgentName(content.slice(0, arrow.index));
    if (!left) return null;
    const right = content.slice(arrow.index + arrow.length).trim();
    // A second agent is marked up or hyphenated: "→ **editor**: drafts", "→ qa-engineer".
    const second = /^(\*\*[^*]+\*\*|`[^`]+`|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?=\s*:|\s*$)\s*:?\s*(.*)$/.exec(
      right,
    );
    const other = second ? asAgentName(second[1]!) : null;
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
  const name = asAgentName(m[1]!);
  return name ? byMode(self, mode, name, m[2]!.trim() || null) : null;
}

function peer(self: string, a: string, b: string, summary: string | null): Entry {
  // Keep the stating agent on the `from` side so that its peers read as its collaborators.
  if (b === self) return { kind: "peer", from: b, to: a, summary };
  return { kind: "peer", from: a, to: b, summary };
}

function byMode(self: string, mode: Mode, name: string, summary: string | null): Entry {
  if (mode === "upstream") return { kind: "handoff", from: name, to: self, summary };
  if (mode === "downstream") return { kind: "handoff", from: self, to: name, summary };
  return peer(self, self, name, summary);
}

function camel(text: string): string {
  const k = toKebab(text);
  return k.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function edge(
  kind: Collaboration["kind"],
  from: string,
  to: string,
  summary: string | null,
  attributes: Record<string, string>,
  phase: string | null,
  section: string | null,
  line: number,
  text: string,
): Collaboration {
  return { kind, from, to, summary, attributes, phase, section, evidence: { line, text } };
}
