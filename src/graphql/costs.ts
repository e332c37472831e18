// The calibrated costs of the fields that do more than read a loaded row, used by their
// `complexity` annotations (the query budget, query-budget.ts, reads those). One cost unit is
// about 20 µs of server time or 50 bytes of response, whichever the field spends more of: a
// scalar of a loaded row (the default, 1) is about that much. LIMITS.maxCost (100,000 units)
// is then about 2 s or 5 MB. Measured on the 100,000-agent synthetic catalog on local
// PostgreSQL 15 by `npm run bench:cost` (docs/decisions/0014-query-budget.md has the table);
// each figure below is from that run.
import { LIMITS } from "./limits.js";

export const COST = {
  /** Agent.markdown: 5.6 KB per synthetic agent (500 in a graph: 2.9 MB). */
  markdown: 120,
  /**
   * Agent.diagnostics: stored at import and read in one statement per page (it was the file
   * re-parsed, 1.7 ms per agent, cost 90). A depth-4 graph of 500 agents: 66 ms with
   * diagnostics as with only names, 78 KB more: about 160 bytes an agent.
   */
  diagnostics: 5,
  /** Agent.sections: parsed per agent, 2.4 ms and 9.7 KB per agent with text and markdown. */
  sections: 120,
  /** AgentSection.markdown and .text: about 0.7 KB each. */
  sectionText: 10,
  /** Agent.diff: two revisions read and compared, 2.1 ms per agent. */
  diff: 100,
  /** One entity of `_entities` (or a node): a row read by id, 0.2 ms each in batches of 100. */
  entity: 10,
  /**
   * A page of `agents`: the keyset page and the count of the filtered set, 110–210 ms on
   * 100,000 agents whatever `first` is; by UPDATED_AT 374 ms. A full-text filter of words
   * every agent has: 0.8–1.3 s for a page of 1 and 1.9–2.8 s for 100, about 11 ms more per
   * row (a rare word: 17–25 ms, but the text does not tell which it is). So a search costs
   * its base and 600 a row: at most 90 rows fit in one request. A `nameContains` filter scans
   * the same set and costs as a page: 53–57 ms for a page of 10 (bench:cost, session 9).
   */
  agentsPage: 10_000,
  agentsByUpdate: 10_000,
  agentsSearch: 45_000,
  agentsSearchRow: 600,
  /** unresolvedReferences: 1.4–2.0 s for any page on 100,000 agents. */
  unresolvedPage: 95_000,
  /** tools: counted over every live agent, 366–441 ms. */
  toolsPage: 20_000,
  /** skills, commands: 2–10 ms. */
  smallPage: 500,
  /** sources: 72 ms (an agent count per source); source.ts still costs it 1 + its page. */
  sourcesPage: 3_500,
  /**
   * nameConflicts: every live agent, skill and command of the source grouped by name, then the
   * page's files: 144–184 ms on 100,000 agents (EXPLAIN ANALYZE, three runs), as a page of
   * `agents`.
   */
  nameConflictsPage: 8_000,
} as const;

/**
 * agentGraph: the traversal (one statement: 11–16 ms to depth 2, 60–200 ms at depth 3 and 4
 * where 500 nodes are reached, 242 ms from 5 roots) and the number of nodes its selection is
 * multiplied by: the roots, then an estimate of the neighbourhood, at most the node budget.
 */
export function graphCost(roots: number, depth: number): { field: number; multiplier: number } {
  const r = Math.max(1, roots);
  const d = Math.max(0, depth);
  const traversal = d === 0 ? 500 : d === 1 ? 2_000 : d === 2 ? 8_000 : 12_000;
  const reach = d === 0 ? r : d === 1 ? r * 20 : d === 2 ? r * 150 : LIMITS.graphNodeBudget;
  return { field: traversal, multiplier: Math.min(LIMITS.graphNodeBudget, reach) };
}

/** AgentGraph.edges per node: 1,700 edges among 500 nodes. */
export const GRAPH_EDGES_PER_NODE = 4;

/**
 * collaborationPath: a breadth-first walk that grows about fourfold per level, measured
 * between two agents with no path: maxDepth 3: 120 ms, 4: 415 ms, 5: 1.7 s, 6: over 5 s.
 */
export function pathCost(maxDepth: number): number {
  const d = Math.max(1, maxDepth);
  if (d <= 3) return 6_000;
  if (d === 4) return 21_000;
  if (d === 5) return 85_000;
  return 340_000 * 4 ** (d - 6);
}

/** A connection: its page's own cost, and its selection once per node of the page. */
export function pageCost(base: number, first: unknown): { field: number; multiplier: number } {
  // A `first` outside 1..maxFirst is refused by the connection's own validation
  // (BAD_USER_INPUT, which names the argument), not here.
  const n = typeof first === "number" && Number.isFinite(first) ? first : 20;
  return { field: base, multiplier: Math.min(LIMITS.maxFirst, Math.max(1, n)) };
}
