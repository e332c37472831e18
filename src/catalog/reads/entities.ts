// Skills, tools and sources by their natural keys, for federation's entity lookups (`_entities`):
// each answers any number of keys in one statement, aligned with the keys (duplicates
// included), null where nothing live has that key. Agents by id and by ref are in agents.ts.
import { sql } from "drizzle-orm";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import { parseRef } from "./agents.js";
import { distinct, num, query } from "./internal.js";
import type { SkillListing, ToolListing } from "./listings.js";
import { type SourceView, shownSource } from "./visibility.js";

/** A skill as the listings give it, without the page cursor. */
export type SkillSummary = Omit<SkillListing, "cursor">;

/** A tool as the listings give it, without the page cursor. */
export type ToolSummary = Omit<ToolListing, "cursor">;

export interface SourceSummary {
  id: number;
  name: string;
  generation: number;
  agentCount: number;
  updatedAt: string;
  visibility: "public" | "private";
}

interface SkillRow {
  id: unknown;
  name: string;
  namespace: string;
  description: string | null;
  source_id: unknown;
  source: string;
  path: string;
  agent_ids: unknown[] | null;
}

/** Skills by ref (`source/name`): live skills only. */
export async function getSkillsByRefs(
  db: Executor,
  view: SourceView,
  refs: readonly string[],
): Promise<(SkillSummary | null)[]> {
  const wanted = distinct(refs)
    .map(parseRef)
    .filter((r) => r !== null);
  if (wanted.length === 0) return refs.map(() => null);
  const rows = await query<SkillRow>(
    db,
    sql`select distinct on (k.source_id, k.name) k.id, k.name, k.namespace, k.description, k.source_id, s.name as source, f.path,
               coalesce((select array_agg(a.id order by a.id) from agent_skills sk join agents a on a.id = sk.agent_id
                          where sk.skill_id = k.id and a.deleted_at is null), '{}') as agent_ids
          from unnest(${pgArray(wanted.map((w) => w.source))}::text[], ${pgArray(wanted.map((w) => w.name))}::text[]) as q(source, name)
          join sources s on s.name = q.source${shownSource(view, "s.id")}
          join skills k on k.source_id = s.id and k.name = q.name and k.deleted_at is null
          join files f on f.id = k.file_id
         -- a name two files declare answers the one whose path sorts first (decision 0018)
         order by k.source_id, k.name, f.path collate "C"`,
  );
  const byRef = new Map<string, SkillSummary>(
    rows.map((r) => [
      `${r.source}/${r.name}`,
      {
        id: num(r.id),
        ref: `${r.source}/${r.name}`,
        source: r.source,
        sourceId: num(r.source_id),
        namespace: r.namespace,
        name: r.name,
        description: r.description ?? null,
        path: r.path,
        agentIds: (r.agent_ids ?? []).map(num),
      },
    ]),
  );
  return refs.map((ref) => byRef.get(ref) ?? null);
}

interface ToolRow {
  id: unknown;
  name: string;
  kind: string;
  server: string | null;
  agent_count: unknown;
}

/**
 * Tools by name. A tool the catalog has seen is returned even when no live agent lists it any
 * more (`agentCount` 0); the `tools` listing leaves those out. Tools belong to no source: a
 * view that hides some sources counts only their agents, and returns only tools an agent of
 * theirs lists or listed (a tool only a private agent names stays unknown outside it).
 */
export async function getToolsByNames(
  db: Executor,
  view: SourceView,
  names: readonly string[],
): Promise<(ToolSummary | null)[]> {
  if (names.length === 0) return [];
  const rows = await query<ToolRow>(
    db,
    sql`select t.id, t.name, t.kind, t.server,
               (select count(*) from agent_tools at join agents a on a.id = at.agent_id
                 where at.tool_id = t.id and a.deleted_at is null${shownSource(view, "a.source_id")}) as agent_count
          from tools t where t.name = any(${pgArray(distinct(names))}::text[])
          ${
            view.all
              ? sql``
              : sql`and exists (select 1 from agent_tools at join agents a on a.id = at.agent_id
                                 where at.tool_id = t.id${shownSource(view, "a.source_id")})`
          }`,
  );
  const byName = new Map<string, ToolSummary>(
    rows.map((r) => [
      r.name,
      { id: num(r.id), name: r.name, kind: r.kind, server: r.server ?? null, agentCount: num(r.agent_count) },
    ]),
  );
  return names.map((name) => byName.get(name) ?? null);
}

/** Sources by name. */
export async function getSourcesByNames(
  db: Executor,
  view: SourceView,
  names: readonly string[],
): Promise<(SourceSummary | null)[]> {
  if (names.length === 0) return [];
  const rows = await query<SourceSummary>(
    db,
    sql`select s.id, s.name, s.generation::int as generation, s.updated_at as "updatedAt", s.visibility,
               (select count(*)::int from agents a where a.source_id = s.id and a.deleted_at is null) as "agentCount"
          from sources s where s.name = any(${pgArray(distinct(names))}::text[])${shownSource(view, "s.id")}`,
  );
  const byName = new Map(rows.map((r) => [r.name, { ...r, id: num(r.id) }]));
  return names.map((name) => byName.get(name) ?? null);
}
