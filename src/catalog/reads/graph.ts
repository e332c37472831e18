// Neighbourhoods and paths in the collaboration graph, each computed by one statement with one
// recursive CTE. The recursion is breadth-first by level, and its working row is the whole
// level: (depth, frontier ids, ids seen so far). Carrying the seen set as an array is what a
// row-per-node recursion cannot do (its recursive term sees only the previous level), so each
// agent is expanded once and the work stays proportional to the nodes reached, not to the
// number of walks. Only resolved edges between live agents, stated by live agents, are
// followed. Peer edges are undirected: they are followed both ways in every direction mode.
import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import {
  COLLABORATION_KINDS,
  type CollaborationEdge,
  type CollaborationKind,
  EDGE_COLUMNS,
  type EdgeRow,
  toEdge,
} from "./collaborations.js";
import { checkCount, distinct, num, query } from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

export type GraphDirection = "out" | "in" | "both";

export interface AgentGraphArgs {
  rootIds: readonly number[];
  /** Hops from the roots (0: the roots alone). */
  depth: number;
  kinds?: readonly CollaborationKind[];
  /** out: follow edges from → to; in: to → from; both (default): either way. */
  direction?: GraphDirection;
  /** At most this many nodes are returned, nearest first (then by id). */
  nodeBudget: number;
  /**
   * Count each node's neighbours left out (`hiddenNeighbours`; all 0 when false). True by
   * default; it is one more step from every node, about half again the statement's time on a
   * graph of 500 nodes, so the API asks for it only when the query selects it.
   */
  hiddenNeighbours?: boolean;
}

export interface GraphNode {
  id: number;
  /** Hops from the nearest root. */
  depth: number;
}

export interface AgentGraph {
  /** The returned agents' ids, nearest first, then by id (aligned with `nodes`). */
  nodeIds: number[];
  nodes: GraphNode[];
  /** Every resolved edge of the requested kinds between two returned agents, by id. */
  edges: CollaborationEdge[];
  /** More agents were reachable within `depth` than `nodeBudget` allowed. */
  truncated: boolean;
  /**
   * Aligned with `nodes`: how many distinct agents one step from the node (over the kinds and
   * direction followed, live, in the view) are not in the graph.
   */
  hiddenNeighbours: number[];
  /** The ends of `openEdges` that are not agents, each once, by source, kind and name. */
  openEnds: OpenEnd[];
  /**
   * The handoffs and peers of the kinds asked for, stated by the graph's agents, between one of
   * them and a name no agent has or a group, following the direction asked (by id).
   */
  openEdges: OpenEdge[];
}

/** What identifies an end that is not an agent: the same in every graph and request. */
export interface OpenEndKey {
  /** The stating agent's source: a name resolves within it. */
  source: string;
  kind: "unresolved" | "group";
  /** The name it is known by: an agent's in kebab case, a group's as written ("All Agents"). */
  key: string;
}

export interface OpenEnd extends OpenEndKey {
  /** As written, from the first edge (by id) that names it. */
  name: string;
  /** The refs an ambiguous name could mean (empty for a group). */
  candidates: string[];
}

export interface OpenEdge {
  edge: CollaborationEdge;
  /** Which side of `edge` is the open end (the other is an agent of the graph). */
  side: "from" | "to";
  end: OpenEndKey;
}

/** The columns that say what an edge's unresolved sides are, besides EDGE_COLUMNS. */
const END_COLUMNS = sql.raw(`s.name as source_name, c.from_kind, c.to_kind, c.from_text, c.to_text`);

interface EndRow {
  source_name: string;
  from_kind: string | null;
  to_kind: string | null;
  from_text: string | null;
  to_text: string | null;
  from_name: string;
  to_name: string;
  candidates: string[] | null;
}

/** The open end on one side of an edge row, as unresolved_references names it. */
function openEndOf(row: EndRow, side: "from" | "to"): OpenEnd {
  const group = (side === "from" ? row.from_kind : row.to_kind) === "group";
  const name = side === "from" ? row.from_name : row.to_name;
  const written = (side === "from" ? row.from_text : row.to_text) ?? name;
  return {
    source: row.source_name,
    kind: group ? "group" : "unresolved",
    key: group ? written : name,
    name: written,
    candidates: group ? [] : (row.candidates ?? []),
  };
}

/** A text that is the same for two keys exactly when they name the same open end. */
export function openEndIdentity(end: OpenEndKey): string {
  return JSON.stringify([end.source, end.kind, end.key]);
}

/** The kinds to follow forwards (from → to) and backwards (to → from). */
function traversal(
  kinds: readonly CollaborationKind[] | undefined,
  direction: GraphDirection,
): { forward: SQL; backward: SQL; all: SQL } {
  const all = distinct(kinds ?? COLLABORATION_KINDS);
  const peers = all.filter((k) => k === "peer");
  return {
    forward: pgArray(direction === "in" ? peers : all),
    backward: pgArray(direction === "out" ? peers : all),
    all: pgArray(all),
  };
}

/** The kinds whose unresolved sides are ends of a graph: handoffs and peers, not mentions. */
function openKinds(kinds: readonly CollaborationKind[] | undefined): CollaborationKind[] {
  return distinct(kinds ?? COLLABORATION_KINDS).filter((k) => k !== "mention");
}

// One step from each frontier agent, as (node, next, edge: negative when walked backwards),
// over edges stated by live agents to live agents. The frontier is unnested and joined, which
// gives index lookups per frontier agent; `= any(array)` on an array that is not a constant
// cannot be hashed. The liveness of `next` is checked here, per edge: checked after the
// DISTINCT … ORDER BY … LIMIT of a level, it led Postgres to walk every agent in id order
// (measured: 215 ms against 31 ms for 500 of 2,000 agents).
// Both the stating agent and the next one must be in a source the view shows (an edge never
// crosses sources, since names resolve within their own source: the filters are a second lock).
const STEP = (view: SourceView, frontier: SQL, forward: SQL, backward: SQL) => sql`
  select f.node, c.to_agent_id as next, c.id as edge
    from unnest(${frontier}) as f(node)
    join collaborations c on c.from_agent_id = f.node and c.to_agent_id is not null and c.kind = any(${forward}::text[])
    join agents st on st.id = c.agent_id and st.deleted_at is null${shownSource(view, "st.source_id")}
    join agents nx on nx.id = c.to_agent_id and nx.deleted_at is null${shownSource(view, "nx.source_id")}
  union all
  select f.node, c.from_agent_id, -c.id
    from unnest(${frontier}) as f(node)
    join collaborations c on c.to_agent_id = f.node and c.from_agent_id is not null and c.kind = any(${backward}::text[])
    join agents st on st.id = c.agent_id and st.deleted_at is null${shownSource(view, "st.source_id")}
    join agents nx on nx.id = c.from_agent_id and nx.deleted_at is null${shownSource(view, "nx.source_id")}`;

// One more step from every kept agent, as STEP takes it, counting the distinct agents reached
// that are not kept: each node's neighbours the graph leaves out. Written apart from STEP so
// that the edges among kept agents (most of them) are dropped before the agents' liveness is
// looked up, and the stating agent is looked up only when it is neither end (a file nearly
// always states its own edges, and the node is live and shown): about half the time STEP over
// the kept agents took (measured: 500 nodes, 3,000 synthetic agents).
const HIDDEN = (view: SourceView, forward: SQL, backward: SQL) => sql`
  select x.node, count(distinct x.next) as n
    from (select c.from_agent_id as node, c.to_agent_id as next, c.agent_id as st
            from unnest((select array_agg(k.id) from kept k)) as f(node)
            join collaborations c on c.from_agent_id = f.node and c.to_agent_id is not null and c.kind = any(${forward}::text[])
          union all
          select c.to_agent_id, c.from_agent_id, c.agent_id
            from unnest((select array_agg(k.id) from kept k)) as f(node)
            join collaborations c on c.to_agent_id = f.node and c.from_agent_id is not null and c.kind = any(${backward}::text[])) x
   where not exists (select 1 from kept k where k.id = x.next)
     and exists (select 1 from agents nx where nx.id = x.next and nx.deleted_at is null${shownSource(view, "nx.source_id")})
     and (x.st = x.node or x.st = x.next
          or exists (select 1 from agents st where st.id = x.st and st.deleted_at is null${shownSource(view, "st.source_id")}))
   group by x.node`;

// Whether an agent is already in the walk; an anti-join on the unnested set, for the same reason.
const UNSEEN = (id: SQL) => sql`not exists (select 1 from unnest(w.seen) as v(id) where v.id = ${id})`;

export async function agentGraph(db: Executor, view: SourceView, args: AgentGraphArgs): Promise<AgentGraph> {
  checkCount("depth", args.depth);
  checkCount("nodeBudget", args.nodeBudget);
  const roots = distinct(args.rootIds);
  if (roots.length === 0)
    return {
      nodeIds: [],
      nodes: [],
      edges: [],
      truncated: false,
      hiddenNeighbours: [],
      openEnds: [],
      openEdges: [],
    };
  const direction = args.direction ?? "both";
  const { forward, backward, all } = traversal(args.kinds, direction);
  // An open end is a neighbour that cannot be walked to: it follows the direction as agents do.
  const open = traversal(openKinds(args.kinds), direction);
  const budget = args.nodeBudget;
  const [row] = await query<{
    total: unknown;
    nodes: GraphNode[];
    edges: EdgeRow[];
    hidden: { id: unknown; n: unknown }[];
    open_edges: (EdgeRow & EndRow)[];
  }>(
    db,
    // A level is expanded only while the seen set is within the budget, and takes at most as
    // many new agents as it takes to exceed it: that is enough to know whether more were
    // reachable, without walking a hub's whole neighbourhood for nothing.
    sql`with recursive walk(depth, frontier, seen) as (
          select 0, coalesce(array_agg(a.id order by a.id), '{}'::bigint[]), coalesce(array_agg(a.id), '{}'::bigint[])
            from agents a where a.id = any(${pgArray(roots)}::bigint[]) and a.deleted_at is null${shownSource(view, "a.source_id")}
          union all
          select w.depth + 1, n.ids, w.seen || n.ids
            from walk w
            cross join lateral (
              select coalesce(array_agg(x.next order by x.next), '{}'::bigint[]) as ids
                from (select distinct e.next
                        from (${STEP(view, sql`w.frontier`, forward, backward)}) e
                       where ${UNSEEN(sql`e.next`)}
                       order by e.next
                       limit ${budget + 1} - cardinality(w.seen)) x
            ) n
           where w.depth < ${args.depth} and cardinality(w.frontier) > 0 and cardinality(w.seen) <= ${budget}
        ), reached as (
          select w.depth, f.id from walk w cross join unnest(w.frontier) as f(id)
        ), kept as (
          select r.id, r.depth from reached r order by r.depth, r.id limit ${budget}
        )
        select (select count(*) from reached) as total,
               (select coalesce(json_agg(json_build_object('id', k.id, 'depth', k.depth) order by k.depth, k.id), '[]'::json)
                  from kept k) as nodes,
               (select coalesce(json_agg(to_json(c) order by c.id), '[]'::json)
                  from (select ${EDGE_COLUMNS}
                          from collaborations c
                          join kept kf on kf.id = c.from_agent_id
                          join kept kt on kt.id = c.to_agent_id
                          join agents st on st.id = c.agent_id and st.deleted_at is null${shownSource(view, "st.source_id")}
                         where c.kind = any(${all}::text[])) c) as edges,
               ${
                 args.hiddenNeighbours === false
                   ? sql`'[]'::json`
                   : sql`(select coalesce(json_agg(json_build_object('id', h.node, 'n', h.n)), '[]'::json)
                            from (${HIDDEN(view, forward, backward)}) h)`
               } as hidden,
               -- The edges the kept agents' files state, by collaborations_agent. Null sides are
               -- tested with coalesce, which no index serves: by collaborations_to's null entries
               -- the planner scanned every unresolved edge of the catalog.
               (select coalesce(json_agg(to_json(c) order by c.id), '[]'::json)
                  from (select ${EDGE_COLUMNS}, ${END_COLUMNS}
                          from unnest((select array_agg(k.id) from kept k)) as ks(id)
                          join collaborations c on c.agent_id = ks.id
                          join sources s on s.id = c.source_id
                         where (coalesce(c.to_agent_id, 0) = 0 and c.kind = any(${open.forward}::text[])
                                and exists (select 1 from kept k where k.id = c.from_agent_id))
                            or (coalesce(c.from_agent_id, 0) = 0 and c.kind = any(${open.backward}::text[])
                                and exists (select 1 from kept k where k.id = c.to_agent_id))) c) as open_edges`,
  );
  const nodes = row!.nodes.map((n) => ({ id: num(n.id), depth: num(n.depth) }));
  const hidden = new Map(row!.hidden.map((h) => [num(h.id), num(h.n)]));
  const openEnds = new Map<string, OpenEnd>();
  const openEdges = row!.open_edges.map((r): OpenEdge => {
    const side = r.to_agent_id === null ? "to" : "from";
    const end = openEndOf(r, side);
    const identity = openEndIdentity(end);
    if (!openEnds.has(identity)) openEnds.set(identity, end);
    return { edge: toEdge(r), side, end: { source: end.source, kind: end.kind, key: end.key } };
  });
  return {
    nodeIds: nodes.map((n) => n.id),
    nodes,
    edges: row!.edges.map((e) => toEdge(e)),
    truncated: num(row!.total) > budget,
    hiddenNeighbours: nodes.map((n) => hidden.get(n.id) ?? 0),
    openEnds: [...openEnds.values()].sort(
      (a, b) => compare(a.name, b.name) || compare(a.kind, b.kind) || compare(a.source, b.source),
    ),
    openEdges,
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The open ends on the unresolved sides of edges, by edge id (as stored: `from` and `to` before
 * a peer is shown reversed), null for a resolved side; null for an edge the view does not show.
 * For `UnresolvedAgent.id` outside a graph: one statement for any number of edges.
 */
export async function openEndsOf(
  db: Executor,
  view: SourceView,
  edgeIds: readonly number[],
): Promise<({ from: OpenEndKey | null; to: OpenEndKey | null } | null)[]> {
  const wanted = distinct(edgeIds).filter((id) => Number.isSafeInteger(id) && id > 0);
  if (wanted.length === 0) return edgeIds.map(() => null);
  const rows = await query<EndRow & { id: unknown; from_agent_id: unknown; to_agent_id: unknown }>(
    db,
    sql`select c.id, c.from_agent_id, c.to_agent_id, c.from_name, c.to_name, c.candidates, ${END_COLUMNS}
          from collaborations c
          join sources s on s.id = c.source_id
          join agents st on st.id = c.agent_id and st.deleted_at is null${shownSource(view, "st.source_id")}
         where c.id = any(${pgArray(wanted)}::bigint[])`,
  );
  const key = (r: EndRow, side: "from" | "to"): OpenEndKey => {
    const { source, kind, key } = openEndOf(r, side);
    return { source, kind, key };
  };
  const byId = new Map(
    rows.map((r) => [
      num(r.id),
      {
        from: r.from_agent_id === null ? key(r, "from") : null,
        to: r.to_agent_id === null ? key(r, "to") : null,
      },
    ]),
  );
  return edgeIds.map((id) => byId.get(id) ?? null);
}

export interface PathArgs {
  kinds?: readonly CollaborationKind[];
  /** The longest path looked for, in edges. */
  maxDepth: number;
  /** Follow edges only from → to (peers both ways). By default any edge is followed either way. */
  directed?: boolean;
}

export interface PathStep {
  edge: CollaborationEdge;
  /** forward: walked from the edge's `from` to its `to`; backward: against it. */
  direction: "forward" | "backward";
  /** The agents this step leaves and reaches. */
  fromAgentId: number;
  toAgentId: number;
}

export interface CollaborationPath {
  /** The agents along the path, `fromId` first and `toId` last. */
  agentIds: number[];
  steps: PathStep[];
}

/**
 * A shortest path from one agent to another, or null when there is none within `maxDepth`.
 * Among shortest paths the choice is deterministic. Each frontier agent carries the path that
 * reached it (edge ids, negative when walked backwards), so the answer needs no second walk.
 */
export async function collaborationPath(
  db: Executor,
  view: SourceView,
  fromId: number,
  toId: number,
  args: PathArgs,
): Promise<CollaborationPath | null> {
  checkCount("maxDepth", args.maxDepth);
  const { forward, backward } = traversal(args.kinds, args.directed ? "out" : "both");
  const rows = await query<EdgeRow & { step: unknown; hit: string }>(
    db,
    sql`with recursive walk(depth, frontier, paths, seen) as (
          select 0, array[a.id], array['']::text[], array[a.id]
            from agents a
           where a.id = ${fromId}::bigint and a.deleted_at is null${shownSource(view, "a.source_id")}
             and exists (select 1 from agents b where b.id = ${toId}::bigint and b.deleted_at is null${shownSource(view, "b.source_id")})
          union all
          select w.depth + 1, n.ids, n.paths, w.seen || n.ids
            from walk w
            cross join lateral (
              select coalesce(array_agg(x.next order by x.next), '{}'::bigint[]) as ids,
                     coalesce(array_agg(x.path order by x.next), '{}'::text[]) as paths
                from (select distinct on (e.next) e.next, f.path || ',' || e.edge as path
                        from (${STEP(view, sql`w.frontier`, forward, backward)}) e
                        join unnest(w.frontier, w.paths) as f(node, path) on f.node = e.node
                       where ${UNSEEN(sql`e.next`)}
                       order by e.next, f.path || ',' || e.edge) x
            ) n
           where w.depth < ${args.maxDepth} and cardinality(w.frontier) > 0 and not ${toId}::bigint = any(w.frontier)
        ), hit as (
          select f.path from walk w cross join unnest(w.frontier, w.paths) as f(node, path)
           where f.node = ${toId}::bigint
           order by w.depth limit 1
        )
        select hit.path as hit, s.step, ${EDGE_COLUMNS}
          from hit
          left join lateral unnest(string_to_array(substr(hit.path, 2), ',')::bigint[]) with ordinality as s(step, ord) on true
          left join collaborations c on c.id = abs(s.step)
         order by s.ord`,
  );
  if (rows.length === 0) return null;
  const agentIds = [fromId];
  const steps: PathStep[] = [];
  for (const r of rows) {
    if (r.step === null || r.step === undefined) continue;
    const edge = toEdge(r);
    const backwards = num(r.step) < 0;
    const from = agentIds.at(-1)!;
    const to = backwards ? edge.fromAgentId! : edge.toAgentId!;
    steps.push({ edge, direction: backwards ? "backward" : "forward", fromAgentId: from, toAgentId: to });
    agentIds.push(to);
  }
  return { agentIds, steps };
}
