// Listings of the catalog's other entities, by name with keyset pagination, one statement a
// page (total included): skills and commands of the sources, and the tools agents list.
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "../database.js";
import { checkCount, decodeCursor, encodeCursor, type Page, query } from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

export interface SkillListing {
  id: number;
  ref: string;
  source: string;
  sourceId: number;
  namespace: string;
  name: string;
  description: string | null;
  path: string;
  /** Agents of the same source that name this skill. */
  agentIds: number[];
  cursor: string;
}

export interface CommandListing {
  id: number;
  source: string;
  sourceId: number;
  namespace: string;
  name: string;
  /** How agents invoke it: `/namespace:name`, or `/name` outside plugins. */
  invocation: string;
  description: string | null;
  path: string;
  cursor: string;
}

export interface ToolListing {
  id: number;
  name: string;
  kind: string;
  server: string | null;
  /** Live agents that list it. */
  agentCount: number;
  cursor: string;
}

export interface ListingArgs {
  source?: string;
  first: number;
  after?: string | null;
}

function keyset(order: string, args: ListingArgs): SQL {
  if (!args.after) return sql`true`;
  const after = decodeCursor(args.after, order);
  return sql`(x.name collate "C", x.id) > (${after.key}::text collate "C", ${after.id}::bigint)`;
}

function bySource(view: SourceView, args: ListingArgs): SQL {
  const named =
    args.source !== undefined
      ? sql`and x.source_id = (select id from sources where name = ${args.source})`
      : sql``;
  return sql`${named}${shownSource(view, "x.source_id")}`;
}

async function page<R extends { id: unknown; name: string; total: unknown }, T>(
  db: Executor,
  order: string,
  args: ListingArgs,
  statement: SQL,
  map: (row: R, cursor: string) => T,
): Promise<Page<T>> {
  const rows = await query<R>(db, statement);
  const total = Number(rows[0]?.total ?? 0);
  const present = rows.filter((r) => r.id !== null && r.id !== undefined);
  const kept = present.slice(0, args.first);
  const nodes = kept.map((r) => map(r, encodeCursor(order, r.name, Number(r.id))));
  const last = kept.at(-1);
  return {
    nodes,
    hasNextPage: present.length > args.first,
    endCursor: last ? encodeCursor(order, last.name, Number(last.id)) : null,
    totalCount: total,
  };
}

export async function listSkills(
  db: Executor,
  view: SourceView,
  args: ListingArgs,
): Promise<Page<SkillListing>> {
  checkCount("first", args.first);
  const order = "SKILLS";
  return page<Record<string, unknown> & { id: unknown; name: string; total: unknown }, SkillListing>(
    db,
    order,
    args,
    sql`with matched as (select x.id, x.name from skills x where x.deleted_at is null ${bySource(view, args)}),
             pg as (select x.id, x.name from matched x where ${keyset(order, args)} order by x.name collate "C", x.id limit ${args.first + 1})
        select c.total, k.id, k.name, k.namespace, k.description, k.source_id, s.name as source, f.path,
               coalesce((select array_agg(a.id order by a.id) from agent_skills sk join agents a on a.id = sk.agent_id
                          where sk.skill_id = k.id and a.deleted_at is null), '{}') as agent_ids
          from (select count(*) as total from matched) c
          left join (pg p join skills k on k.id = p.id join sources s on s.id = k.source_id join files f on f.id = k.file_id) on true
         order by k.name collate "C", k.id`,
    (r, cursor) => ({
      id: Number(r.id),
      ref: `${r.source}/${r.name}`,
      source: String(r.source),
      sourceId: Number(r.source_id),
      namespace: String(r.namespace),
      name: r.name,
      description: (r.description as string | null) ?? null,
      path: String(r.path),
      agentIds: ((r.agent_ids as unknown[]) ?? []).map(Number),
      cursor,
    }),
  );
}

export async function listCommands(
  db: Executor,
  view: SourceView,
  args: ListingArgs,
): Promise<Page<CommandListing>> {
  checkCount("first", args.first);
  const order = "COMMANDS";
  return page<Record<string, unknown> & { id: unknown; name: string; total: unknown }, CommandListing>(
    db,
    order,
    args,
    sql`with matched as (select x.id, x.name from commands x where x.deleted_at is null ${bySource(view, args)}),
             pg as (select x.id, x.name from matched x where ${keyset(order, args)} order by x.name collate "C", x.id limit ${args.first + 1})
        select c.total, k.id, k.name, k.namespace, k.description, k.source_id, s.name as source, f.path
          from (select count(*) as total from matched) c
          left join (pg p join commands k on k.id = p.id join sources s on s.id = k.source_id join files f on f.id = k.file_id) on true
         order by k.name collate "C", k.id`,
    (r, cursor) => ({
      id: Number(r.id),
      source: String(r.source),
      sourceId: Number(r.source_id),
      namespace: String(r.namespace),
      name: r.name,
      invocation: r.namespace ? `/${r.namespace}:${r.name}` : `/${r.name}`,
      description: (r.description as string | null) ?? null,
      path: String(r.path),
      cursor,
    }),
  );
}

export async function listTools(
  db: Executor,
  view: SourceView,
  args: Omit<ListingArgs, "source">,
): Promise<Page<ToolListing>> {
  checkCount("first", args.first);
  const order = "TOOLS";
  return page<Record<string, unknown> & { id: unknown; name: string; total: unknown }, ToolListing>(
    db,
    order,
    args,
    sql`with used as (select at.tool_id, count(*) as n from agent_tools at join agents a on a.id = at.agent_id
                       where a.deleted_at is null${shownSource(view, "a.source_id")} group by at.tool_id),
             matched as (select x.id, x.name, u.n from tools x join used u on u.tool_id = x.id),
             pg as (select x.id, x.name, x.n from matched x where ${keyset(order, args)} order by x.name collate "C", x.id limit ${args.first + 1})
        select c.total, t.id, t.name, t.kind, t.server, p.n as agent_count
          from (select count(*) as total from matched) c
          left join (pg p join tools t on t.id = p.id) on true
         order by t.name collate "C", t.id`,
    (r, cursor) => ({
      id: Number(r.id),
      name: r.name,
      kind: String(r.kind),
      server: (r.server as string | null) ?? null,
      agentCount: Number(r.agent_count),
      cursor,
    }),
  );
}
