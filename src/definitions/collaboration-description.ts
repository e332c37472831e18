// Delegation written in the description, where Claude Code's router reads it: "If security →
// delegate to security-guardian", `<delegation>` blocks with `Target: x`, "Pairs with x". The
// examples are left out: their "I'll use the x agent" is the main assistant choosing this
// agent, not this agent working with x.
import { nameAt } from "./agent-names.js";
import { edgeTo, type Push } from "./collaboration-edge.js";
import { blankQuotes } from "./collaboration-units.js";
import { verbEdges } from "./collaboration-verbs.js";

const ASSIGN = /^\s*(?:target|agent|delegate\s+to)\s*:\s*(.+)$/i;

export interface SourceLine {
  /** 0-based file line. */
  index: number;
  text: string;
}

export function readDescriptionEdges(
  self: string,
  description: string,
  source: readonly SourceLine[],
  push: Push,
): void {
  if (source.length === 0) return;
  const prose = description.replace(/<example>[\s\S]*?(?:<\/example>|$)/gi, " ");
  for (const text of prose.split("\n")) {
    const assign = ASSIGN.exec(text);
    const n = assign ? nameAt(assign[1]!.trim(), "strict") : null;
    if (n) push(edgeTo("out", self, n, at(source, n.written)));
    for (const e of verbEdges(blankQuotes(text), false)) {
      push(edgeTo(e.direction, self, e.target, at(source, e.target.written)));
    }
  }
}

/** The frontmatter line that holds the name: one line for a one-line description. */
function at(source: readonly SourceLine[], written: string) {
  const line = source.find((l) => l.text.includes(written)) ?? source[0]!;
  return { evidence: { line: line.index + 1, text: line.text }, section: null };
}
