// Collaboration edges around agents, batched by agent id. Each query is a union of branches
// that each follow one index (collaborations_from or collaborations_to): an `or` across both
// columns would scan. Mentions count only once resolved: an unresolved mention is a word that
// merely looked like a name. Explicit edges (handoff, peer) whose other side is unresolved are
// kept, with the name as written and the candidates of an ambiguous name.
import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import { AGENT_COLUMNS, AGENT_JOINS, type AgentRow, type AgentSummary, toAgentSummary } from "./agents.js";
import { type AgentFacts, factsColumns, toFacts } from "./facts.js";
import { distinct, groupInOrder, num, numOrNull, query } from "./internal.js";

export type CollaborationKind = "handoff" | "peer" | "mention";
export const COLLABORATION_KINDS: readonly CollaborationKind[] = ["handoff", "peer", "mention"];

export interface CollaborationEdge {
  id: number;
  kind: CollaborationKind;
  /** For handoffs, `from` provides work to `to`. Null when that side's name is unresolved. */
  fromAgentId: number | null;
  toAgentId: number | null;
  /** The names as written (kebab-case), resolved or not. */
  fromName: string;
  toName: string;
  summary: string | null;
  attributes: Record<string, string>;
  phase: string | null;
  section: string | null;
  /** Where the edge is stated: a line of `statedBy`'s file. */
  evidence: { line: number; text: string };
  /** The agent whose file states the edge. */
  statedBy: number;
  /** The refs ("source/name") an ambiguous unresolved name could mean; empty otherwise. */
  candidates: string[];
  /**
   * True when a peer edge is shown from its other side (peers are undirected, and each agent
   * sees its peer as the target), so `from`/`to` are swapped from how the file states them.
   */
  reversed: boolean;
}

export interface EdgeOptions {
  /** Kinds to include; all by default. */
  kinds?: readonly CollaborationKind[];
}

/** The columns an edge is read from, for statements that alias collaborations `c`. */
export const EDGE_COLUMNS: SQL = sql.raw(
  `c.id, c.agent_id, c.kind, c.from_name, c.to_name, c.from_agent_id, c.to_agent_id, c.candidates,
   c.summary, c.attributes, c.phase, c.section, c.evidence_line, c.evidence_text`,
);

export interface EdgeRow {
  id: unknown;
  agent_id: unknown;
  kind: string;
  from_name: string;
  to_name: string;
  from_agent_id: unknown;
  to_agent_id: unknown;
  candidates: string[] | null;
  summary: string | null;
  attributes: Record<string, string> | null;
  phase: string | null;
  section: string | null;
  evidence_line: unknown;
  evidence_text: string;
}

export function toEdge(row: EdgeRow, reversed = false): CollaborationEdge {
  const from = { id: numOrNull(row.from_agent_id), name: row.from_name };
  const to = { id: numOrNull(row.to_agent_id), name: row.to_name };
  const [a, b] = reversed ? [to, from] : [from, to];
  return {
    id: num(row.id),
    kind: row.kind as CollaborationKind,
    fromAgentId: a.id,
    toAgentId: b.id,
    fromName: a.name,
    toName: b.name,
    summary: row.summary,
    attributes: row.attributes ?? {},
    phase: row.phase,
    section: row.section,
    evidence: { line: num(row.evidence_line), text: row.evidence_text },
    statedBy: num(row.agent_id),
    candidates: row.candidates ?? [],
    reversed,
  };
}

export function kindsParam(kinds: readonly CollaborationKind[] | undefined): SQL {
  return pgArray(distinct(kinds ?? COLLABORATION_KINDS));
}

type Grouped = EdgeRow & { for_id: unknown; reversed: boolean };

/**
 * The agents' outgoing edges: handoffs they give, mentions they make, and every peer edge
 * they are on (stated by them or by others), presented with the other agent as the target.
 */
export async function collaboratorsOf(
  db: Executor,
  ids: readonly number[],
  options: EdgeOptions = {},
): Promise<CollaborationEdge[][]> {
  return (await collaboratorsWithEnds(db, ids, { ...options, ends: "none" })).edges;
}

/** The agent at the far end of an edge, read with the edge. */
export interface EdgeEnd {
  agent: AgentSummary;
  /** Its tools and skills, when asked for. */
  facts: AgentFacts | null;
}

/**
 * collaboratorsOf, plus the summaries (and with `ends: "facts"`, the tools and skills) of the
 * agents at the far ends, in the same statement: a client that walks collaborators level by
 * level then costs one statement per level, not three.
 */
export async function collaboratorsWithEnds(
  db: Executor,
  ids: readonly number[],
  options: EdgeOptions & { ends: "none" | "summary" | "facts" },
): Promise<{ edges: CollaborationEdge[][]; ends: EdgeEnd[] }> {
  if (ids.length === 0) return { edges: [], ends: [] };
  const kinds = kindsParam(options.kinds);
  const other = "(case when c.reversed then c.from_agent_id else c.to_agent_id end)";
  const endColumns =
    options.ends === "none"
      ? sql``
      : sql`, (select row_to_json(x) from (select ${AGENT_COLUMNS} from agents a ${AGENT_JOINS}
                                          where a.id = ${sql.raw(other)} and a.deleted_at is null) x) as end_agent
            ${options.ends === "facts" ? sql`, ${factsColumns(other)}` : sql``}`;
  const rows = await query<Grouped & { end_agent?: AgentRow | null; tools?: unknown; skills?: unknown }>(
    db,
    sql`with q as (
          select a.id from agents a where a.id = any(${pgArray(distinct(ids))}::bigint[]) and a.deleted_at is null
        ), e as (
          select q.id as for_id, false as reversed, c.*
            from q join collaborations c on c.from_agent_id = q.id
           where c.kind = any(${kinds}::text[]) and (c.kind <> 'mention' or c.to_agent_id is not null)
          union all
          select q.id, true, c.*
            from q join collaborations c on c.to_agent_id = q.id and c.kind = 'peer'
           where 'peer' = any(${kinds}::text[]) and c.from_agent_id is distinct from q.id
        )
        select c.for_id, c.reversed, ${EDGE_COLUMNS} ${endColumns}
          from e c join agents st on st.id = c.agent_id and st.deleted_at is null
         order by c.for_id, array_position(array['handoff', 'peer', 'mention'], c.kind), c.id`,
  );
  const ends = new Map<number, EdgeEnd>();
  for (const r of rows) {
    if (!r.end_agent) continue;
    const agent = toAgentSummary(r.end_agent);
    if (!ends.has(agent.id))
      ends.set(agent.id, { agent, facts: options.ends === "facts" ? toFacts(r as never) : null });
  }
  return {
    edges: groupInOrder(ids, rows, (r) => num(r.for_id)).map((g) => g.map((r) => toEdge(r, r.reversed))),
    ends: [...ends.values()],
  };
}

/**
 * The agents' incoming edges: handoffs to them, mentions of them by others, and peer edges
 * they are on that others state, presented with the agent as the target.
 */
export async function dependentsOf(
  db: Executor,
  ids: readonly number[],
  options: EdgeOptions = {},
): Promise<CollaborationEdge[][]> {
  if (ids.length === 0) return [];
  const kinds = kindsParam(options.kinds);
  const rows = await query<Grouped>(
    db,
    sql`with q as (
          select a.id from agents a where a.id = any(${pgArray(distinct(ids))}::bigint[]) and a.deleted_at is null
        ), e as (
          select q.id as for_id, false as reversed, c.*
            from q join collaborations c on c.to_agent_id = q.id
           where c.kind = any(${kinds}::text[]) and (c.kind <> 'peer' or c.agent_id <> q.id)
          union all
          select q.id, true, c.*
            from q join collaborations c on c.from_agent_id = q.id and c.kind = 'peer'
           where 'peer' = any(${kinds}::text[]) and c.agent_id <> q.id and c.to_agent_id is distinct from q.id
        )
        select c.for_id, c.reversed, ${EDGE_COLUMNS}
          from e c join agents st on st.id = c.agent_id and st.deleted_at is null
         order by c.for_id, array_position(array['handoff', 'peer', 'mention'], c.kind), c.id`,
  );
  return groupInOrder(ids, rows, (r) => num(r.for_id)).map((g) => g.map((r) => toEdge(r, r.reversed)));
}
