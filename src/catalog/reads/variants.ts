// Variants: agents of the same name in other sources (the same agent published twice, or
// forked), in the sources the view shows. Batched by agent id; each group is ordered by source name, one agent per source.
import { sql } from "drizzle-orm";
import { pgArray } from "../bulk.js";
import type { Executor } from "../database.js";
import { AGENT_COLUMNS, AGENT_JOINS, type AgentRow, type AgentSummary, toAgentSummary } from "./agents.js";
import { distinct, groupInOrder, num, query } from "./internal.js";
import { type SourceView, shownSource } from "./visibility.js";

export async function variantsOf(
  db: Executor,
  view: SourceView,
  ids: readonly number[],
): Promise<AgentSummary[][]> {
  if (ids.length === 0) return [];
  const rows = await query<AgentRow & { for_id: unknown }>(
    db,
    sql`select distinct on (o.id, s.name collate "C") o.id as for_id, ${AGENT_COLUMNS}
          from agents o
          join agents a on a.name = o.name and a.source_id <> o.source_id and a.deleted_at is null${shownSource(view, "a.source_id")}
          ${AGENT_JOINS}
         where o.id = any(${pgArray(distinct(ids))}::bigint[]) and o.deleted_at is null
         -- one per source: the agent its ref answers (a name conflict's first path, decision 0018)
         order by o.id, s.name collate "C", f.path collate "C"`,
  );
  return groupInOrder(ids, rows, (r) => num(r.for_id)).map((g) => g.map(toAgentSummary));
}
