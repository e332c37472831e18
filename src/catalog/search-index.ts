// The full-text index of agents: one weighted tsvector per live agent in `agent_search`
// (name A, description B, the first 100,000 characters of the body C), searched by
// `websearch_to_tsquery('english', …)` in reads/list-agents.ts.
//
// An import writes it after each batch commits, on a second connection, while the next batch
// is written: computing the vector is the most expensive thing the database does in an
// import, and this lets it run on another core. A vector names the revision it was computed
// from, so a stale or missing one (an import stopped between a batch and its vectors) is
// found and rewritten by the next import's catch-up.
//
// The name is indexed as written (kebab-case), through the same parser that reads a query:
// `release-captain` then yields the compound token and its parts ('release-captain', 'releas',
// 'captain'), exactly what `websearch_to_tsquery` makes of the text `release-captain`. Until
// migration 0003 it was indexed with its hyphens turned into spaces, which has only the parts:
// a query for an agent's own name matched nothing but the bodies that mention it. Changing
// VECTOR means a migration that recomputes every stored vector (see drizzle/0003).
import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./bulk.js";
import type { Executor } from "./database.js";

const VECTOR = sql.raw(`setweight(to_tsvector('english', coalesce(a.name, '')), 'A')
  || setweight(to_tsvector('english', coalesce(a.description, '')), 'B')
  || setweight(to_tsvector('english', left(coalesce(a.body, ''), 100000)), 'C')`);

/** Computes the vectors of these agents from their current rows. One statement. */
export async function indexAgents(db: Executor, agentIds: readonly number[]): Promise<void> {
  if (agentIds.length === 0) return;
  await db.execute(sql`
    insert into agent_search (agent_id, revision_id, search)
    select a.id, a.revision_id, ${VECTOR}
      from agents a
     where a.id = any(${pgArray(agentIds)}::bigint[])
    on conflict (agent_id) do update set revision_id = excluded.revision_id, search = excluded.search`);
}

/** Writes the vectors a source's live agents lack or hold for an older revision. One statement. */
export async function indexStaleAgents(db: Executor, sourceId: number): Promise<void> {
  await db.execute(sql`
    insert into agent_search (agent_id, revision_id, search)
    select a.id, a.revision_id, ${VECTOR}
      from agents a
      left join agent_search s on s.agent_id = a.id
     where a.source_id = ${sourceId} and a.deleted_at is null
       and (s.agent_id is null or s.revision_id <> a.revision_id)
    on conflict (agent_id) do update set revision_id = excluded.revision_id, search = excluded.search`);
}

/** Whether the named source has a live agent whose vector is missing or stale: an SQL boolean. */
export function staleVectorsOf(source: string): SQL<boolean> {
  return sql<boolean>`exists (
    select 1
      from agents a
      join sources src on src.id = a.source_id and src.name = ${source}
      left join agent_search s on s.agent_id = a.id
     where a.deleted_at is null and (s.agent_id is null or s.revision_id <> a.revision_id))`;
}
