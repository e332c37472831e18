// Delegation written as data rather than sentences: task assignments (`Agent: x`,
// `subagent_type: "x"`, also inside code blocks, where Task-tool examples live), `<delegation>`
// blocks with `Target: x` or `<agent>x</agent>`, and tables with an Agent column
// (`| situation | agent |`). Each names an agent this one hands work to.
import { nameAt } from "./agent-names.js";
import type { BodyLine } from "./body.js";
import { edgeTo, type Push } from "./collaboration-edge.js";

const ASSIGN =
  /^\s*(?:[-*+]\s+)?(?:\*\*)?(?:agent|sub-?agent|target|delegate\s+to|assign(?:ed)?\s+to|route\s+to)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.+)$/i;
const SUBAGENT_TYPE = /subagent_type\s*["']?\s*[:=]\s*["'`]?([A-Za-z@][\w@-]*)/i;
const AGENT_TAG = /<agent>\s*([^<]+?)\s*<\/agent>/i;
const AGENT_COLUMN =
  /^(?:agents?|sub-?agents?|delegate(?:\s+to)?|route\s+to|specialist|hand\s*-?\s*off\s+to|owner\s+agent|use)$/i;
const SEPARATOR = /^\s*\|?\s*:?-{3,}/;

export function readDelegation(self: string, lines: readonly BodyLine[], push: Push): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text;
    const here = { evidence: { line: line.index + 1, text: t }, section: null };
    if (t.includes(":") || t.includes("=") || t.includes("<")) {
      const m =
        ASSIGN.exec(t) ??
        (t.includes("_") ? SUBAGENT_TYPE.exec(t) : null) ??
        (t.includes("<") ? AGENT_TAG.exec(t) : null);
      const n = m ? nameAt(m[1]!.replace(/^["'`]|["'`,]$/g, ""), "strict") : null;
      if (n) push(edgeTo("out", self, n, here));
    }
    if (!line.code && t.includes("|") && lines[i + 1] && SEPARATOR.test(lines[i + 1]!.text)) {
      i = readTable(self, lines, i, push);
    }
  }
}

function cells(text: string): string[] {
  return text
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((c) => c.trim());
}

/** A table with an Agent column: each row's agent gets the row's situation. Returns the last row. */
function readTable(self: string, lines: readonly BodyLine[], header: number, push: Push): number {
  const columns = cells(lines[header]!.text).map((c) => c.replace(/\*\*|`/g, ""));
  const col = columns.findIndex((c) => AGENT_COLUMN.test(c));
  let i = header + 2;
  for (; i < lines.length && !lines[i]!.code && /^\s*\|/.test(lines[i]!.text); i++) {
    if (col === -1) continue;
    const row = cells(lines[i]!.text);
    const cell = row[col] ?? "";
    const n = nameAt(cell, "strict");
    if (!n || n.written.length < cell.replace(/[*`@]/g, "").length) continue;
    const situation = row.filter((_, j) => j !== col).join(" | ") || null;
    push(
      edgeTo("out", self, n, {
        evidence: { line: lines[i]!.index + 1, text: lines[i]!.text },
        section: null,
        summary: situation,
      }),
    );
  }
  return i - 1;
}
