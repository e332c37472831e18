// Bodies mention other agents by name (`backend-architect`, often the bare file stem). Which
// words are agents is only known once the catalog knows its agents, so the reader returns
// every hyphenated word as a candidate, with its first line; the catalog keeps the ones that
// match an agent of the same source.
import type { Evidence } from "./types.js";

const CANDIDATE = /(?<![\w-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w-])/g;
const MAX_CANDIDATES = 300;

export interface MentionCandidate {
  name: string;
  evidence: Evidence;
}

export function mentionCandidates(
  body: string,
  firstLine: number,
  exclude: readonly string[],
): MentionCandidate[] {
  const seen = new Set(exclude);
  const out: MentionCandidate[] = [];
  const lines = body.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length && out.length < MAX_CANDIDATES; i++) {
    const text = lines[i]!;
    if (!text.includes("-")) continue;
    for (const m of text.matchAll(CANDIDATE)) {
      const name = m[0];
      if (seen.has(name) || name.length < 5) continue;
      seen.add(name);
      out.push({ name, evidence: { line: firstLine + i, text } });
      if (out.length >= MAX_CANDIDATES) break;
    }
  }
  return out;
}
