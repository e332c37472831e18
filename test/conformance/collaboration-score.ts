// Scores the reader's collaboration edges against edges labelled by hand (test/fixtures/
// collaboration/labels.*.json, written from reading each file; see docs/decisions/0013).
// An edge counts as found when kind, both names and the evidence line agree with a label.
// Names compare without case or punctuation: "TikTok Strategist" is the catalog's
// `tiktok-strategist`, which the importer matches (the reader keeps the kebab form).
import type { Collaboration, MarkdownDefinition } from "../../src/definitions/index.js";

export interface LabelledEdge {
  kind: "handoff" | "peer" | "mention";
  /** "@self" is the file's own agent, whatever name the reader gives it. */
  from: string;
  to: string;
  /** Every line that states this edge; the reader's evidence may be any of them. */
  lines: number[];
  /** The other side is a group of agents ("All Agents", "Product Team"). */
  group?: boolean;
}
export interface LabelledFile {
  file: string;
  edges: LabelledEdge[];
}
export interface KindScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}
export interface Score {
  byKind: Record<string, KindScore>;
  /** handoff and peer together: the figure the thresholds apply to. */
  directed: KindScore;
  misses: string[];
  extras: string[];
}

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

function key(kind: string, from: string, to: string): string {
  const [a, b] = kind === "peer" ? [squash(from), squash(to)].sort() : [squash(from), squash(to)];
  return `${kind}:${a}>${b}`;
}

const isGroup = (c: Collaboration) => c.fromKind === "group" || c.toKind === "group";

export function score(labelled: readonly LabelledFile[], read: (file: string) => MarkdownDefinition): Score {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (kind: string, field: "tp" | "fp" | "fn") => {
    const c = counts.get(kind) ?? { tp: 0, fp: 0, fn: 0 };
    c[field]++;
    counts.set(kind, c);
  };
  const misses: string[] = [];
  const extras: string[] = [];
  for (const f of labelled) {
    const def = read(f.file);
    const self = (n: string) => (n === "@self" ? def.name : n);
    const open = new Map<string, LabelledEdge>();
    for (const e of f.edges) open.set(key(e.kind, self(e.from), self(e.to)), e);
    for (const c of def.collaborations) {
      const k = key(c.kind, c.from, c.to);
      const label = open.get(k);
      if (label?.lines.includes(c.evidence.line) && Boolean(label.group) === isGroup(c)) {
        open.delete(k);
        bump(c.kind, "tp");
      } else {
        bump(c.kind, "fp");
        extras.push(`${f.file}:${c.evidence.line} ${c.kind} ${c.from} > ${c.to}`);
      }
    }
    for (const [k, e] of open) {
      bump(e.kind, "fn");
      misses.push(`${f.file}:${e.lines[0]} ${k}`);
    }
  }
  const ratio = (tp: number, other: number) => (tp + other === 0 ? 1 : tp / (tp + other));
  const kindScore = (c: { tp: number; fp: number; fn: number }): KindScore => ({
    truePositives: c.tp,
    falsePositives: c.fp,
    falseNegatives: c.fn,
    precision: ratio(c.tp, c.fp),
    recall: ratio(c.tp, c.fn),
  });
  const zero = { tp: 0, fp: 0, fn: 0 };
  const byKind: Record<string, KindScore> = {};
  for (const kind of ["handoff", "peer", "mention"]) byKind[kind] = kindScore(counts.get(kind) ?? zero);
  const h = counts.get("handoff") ?? zero;
  const p = counts.get("peer") ?? zero;
  const directed = kindScore({ tp: h.tp + p.tp, fp: h.fp + p.fp, fn: h.fn + p.fn });
  return { byKind, directed, misses, extras };
}

export function table(name: string, s: Score): string {
  const row = (k: string, v: KindScore) =>
    `${name.padEnd(8)} ${k.padEnd(13)} P ${v.precision.toFixed(2)}  R ${v.recall.toFixed(2)}  (tp ${v.truePositives}, fp ${v.falsePositives}, fn ${v.falseNegatives})`;
  return [...Object.entries(s.byKind).map(([k, v]) => row(k, v)), row("handoff+peer", s.directed)].join("\n");
}
