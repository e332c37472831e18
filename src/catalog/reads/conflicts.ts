// Name conflicts: two or more files of one source declaring the same name (agents and skills
// per source, commands per plugin namespace). All of them are stored (decision 0018); the one
// whose path sorts first in byte order ("C" collation) answers the name. Read here: each
// agent's rivals, batched by agent id, and the groups of a source (or of every source), paged.
import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import {
  AGENT_COLUMNS,
  AGENT_JOINS,
  type AgentRow,
  type AgentSummary,
  liveIds,
  toAgentSummary,
} from "./agents.js";
import {
  checkCount,
  decodeCursor,
  encodeCursor,
  groupInOrder,
  isPlainText,
  num,
  type Page,
  query,
} from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

/**
 * For each agent, the other live agents of its source that declare its name, in path order
 * (byte order): empty for an agent whose name is its own. One statement for any number of ids.
 */
export async function conflictsOf(db: Executor, agentIds: readonly number[]): Promise<AgentSummary[][]> {
  if (agentIds.length === 0) return [];
  const ids = liveIds(agentIds);
  if (ids.length === 0) return agentIds.map(() => []);
  const rows = await query<AgentRow & { for_id: unknown }>(
    db,
    sql`select o.id as for_id, ${AGENT_COLUMNS}
          from agents o
          join agents a on a.source_id = o.source_id and a.name = o.name and a.id <> o.id and a.deleted_at is null
          ${AGENT_JOINS}
         where o.id = any(${pgArray(ids)}::bigint[]) and o.deleted_at is null
         order by o.id, f.path collate "C"`,
  );
  return groupInOrder(agentIds, rows, (r) => num(r.for_id)).map((g) => g.map(toAgentSummary));
}

export type ConflictKind = "agent" | "skill" | "command";

export interface NameConflictGroup {
  /** This group's pagination cursor (for Relay edges). */
  cursor: string;
  kind: ConflictKind;
  source: string;
  sourceId: number;
  /** The plugin namespace a command name is unique in; "" for agents and skills. */
  namespace: string;
  name: string;
  /** The files that declare the name, in byte order: the first one answers it. */
  paths: string[];
  /** For agents, their ids in the same order as `paths`; empty for skills and commands. */
  agentIds: number[];
}

export interface NameConflictArgs {
  source?: string;
  first: number;
  after?: string | null;
}

const ORDER = "NAME_CONFLICTS";
const KINDS = new Set<string>(["agent", "skill", "command"]);

/**
 * The source's name conflicts (every source's without one), ordered by source, kind, namespace
 * and name, in keyset pages: one statement per page. The groups are found from the rows of
 * live entities (`agents_source_name` and its kin give the names in order).
 */
export async function nameConflictGroups(
  db: Executor,
  view: SourceView,
  args: NameConflictArgs,
): Promise<Page<NameConflictGroup>> {
  checkCount("first", args.first);
  const after = args.after ? decodeCursor(args.after, ORDER, conflictKey) : null;
  const inSource = (alias: string): SQL =>
    sql`${
      args.source !== undefined
        ? sql`and ${sql.raw(alias)}.source_id = (select id from sources where name = ${args.source})`
        : sql``
    }${shownSource(view, `${alias}.source_id`)}`;
  let keyset: SQL = sql`true`;
  if (after) {
    const [kind, namespace, name] = after.key;
    keyset = sql`(g.source_id, g.kind collate "C", g.namespace collate "C", g.name collate "C")
                   > (${after.id}::bigint, ${kind}::text collate "C", ${namespace}::text collate "C", ${name}::text collate "C")`;
  }
  const rows = await query<Record<string, unknown>>(
    db,
    // The names first (one pass over the live rows, no join: 150 ms on 100,000 agents, where
    // joining every row to its file before grouping took 500–600 ms), then the files of the
    // page's groups only, by index.
    sql`with groups as (
          select a.source_id, 'agent'::text as kind, ''::text as namespace, a.name from agents a
           where a.deleted_at is null ${inSource("a")}
           group by a.source_id, a.name having count(*) > 1
          union all
          select k.source_id, 'skill', '', k.name from skills k
           where k.deleted_at is null ${inSource("k")}
           group by k.source_id, k.name having count(*) > 1
          union all
          select c.source_id, 'command', c.namespace, c.name from commands c
           where c.deleted_at is null ${inSource("c")}
           group by c.source_id, c.namespace, c.name having count(*) > 1
        ), page as (
          select g.* from groups g
           where ${keyset}
           order by g.source_id, g.kind collate "C", g.namespace collate "C", g.name collate "C"
           limit ${args.first + 1}
        )
        select t.total, p.source_id, p.kind, p.namespace, p.name, x.paths,
               case when p.kind = 'agent' then x.ids end as ids, s.name as source
          from (select count(*) as total from groups) t
          left join (page p join sources s on s.id = p.source_id
                     cross join lateral (
                       select array_agg(f.path order by f.path collate "C") as paths,
                              array_agg(e.id order by f.path collate "C") as ids
                         from (select a.id, a.file_id from agents a
                                where p.kind = 'agent' and a.source_id = p.source_id and a.name = p.name and a.deleted_at is null
                               union all
                               select k.id, k.file_id from skills k
                                where p.kind = 'skill' and k.source_id = p.source_id and k.name = p.name and k.deleted_at is null
                               union all
                               select c.id, c.file_id from commands c
                                where p.kind = 'command' and c.source_id = p.source_id and c.namespace = p.namespace
                                  and c.name = p.name and c.deleted_at is null) e
                         join files f on f.id = e.file_id) x) on true
         order by p.source_id, p.kind collate "C", p.namespace collate "C", p.name collate "C"`,
  );
  const total = num(rows[0]?.total ?? 0);
  const present = rows.filter((r) => r.source_id !== null && r.source_id !== undefined);
  const kept = present.slice(0, args.first);
  const cursorOf = (r: Record<string, unknown>) =>
    encodeCursor(ORDER, JSON.stringify([r.kind, r.namespace, r.name]), num(r.source_id));
  const last = kept.at(-1);
  return {
    nodes: kept.map((r) => ({
      cursor: cursorOf(r),
      kind: r.kind as ConflictKind,
      source: String(r.source),
      sourceId: num(r.source_id),
      namespace: String(r.namespace),
      name: String(r.name),
      paths: (r.paths as string[]).map(String),
      agentIds: ((r.ids as unknown[] | null) ?? []).map(num),
    })),
    hasNextPage: present.length > args.first,
    endCursor: last ? cursorOf(last) : null,
    totalCount: total,
  };
}

/** The rest of a group's key, `[kind, namespace, name]` as JSON text, or null. */
function conflictKey(key: unknown): [string, string, string] | null {
  if (typeof key !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    typeof parsed[0] === "string" &&
    KINDS.has(parsed[0]) &&
    isPlainText(parsed[1]) &&
    isPlainText(parsed[2])
  )
    return parsed as [string, string, string];
  return null;
}
