// Reference resolution, set-based. An import resolves the collaboration edges it writes as it
// inserts them (matchAgentName); afterwards one statement per kind of reference resolves
// again the rows the import could have changed: references by name to anything created,
// renamed or deleted (and the changed agents' skills and commands). A name no agent has yet
// stays unresolved and resolves when that agent arrives.
//
// Agent names match an agent's name or its file stem (bodies say `backend-architect` for the
// agent named `api-scaffolding-backend-architect`). An exact name wins; among stems, one in
// the stating agent's namespace (plugin) wins; otherwise a single match; otherwise the
// reference stays unresolved and keeps its candidates.
//
// Two files may declare one name (a name conflict, decision 0018): a name then means the file
// whose path sorts first in byte order ("C" collation), whatever order they were imported in.
import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./bulk.js";
import type { AgentryTx } from "./database.js";

export interface ResolveScope {
  agentIds: readonly number[];
  /**
   * Agents whose edges were resolved as they were written, with nothing deleted since: the
   * edge resolver skips them (matching them again found what the insert found).
   */
  resolvedAtInsert: readonly number[];
  agentNames: readonly string[];
  skillNames: readonly string[];
  commandNames: readonly string[];
}

export async function resolveReferences(tx: AgentryTx, sourceId: number, scope: ResolveScope): Promise<void> {
  const ids = pgArray(scope.agentIds);
  const names = pgArray(scope.agentNames);
  if (scope.agentNames.length > 0) {
    const skip = pgArray(scope.resolvedAtInsert);
    await tx.execute(resolveEdgeSide(sourceId, names, skip, "to"));
    await tx.execute(resolveEdgeSide(sourceId, names, skip, "from"));
  }
  if (scope.agentIds.length > 0 || scope.skillNames.length > 0) {
    await tx.execute(sql`
      update agent_skills s set skill_id = v.kid
        from (select s2.agent_id, s2.name, k.id as kid
                from (select x.agent_id, x.name from agent_skills x where x.agent_id = any(${ids}::bigint[])
                      union
                      select x.agent_id, x.name from agent_skills x
                       where x.name = any(${pgArray(scope.skillNames)}::text[])) s2
                join agents a on a.id = s2.agent_id
                -- of two skills declaring the name, the one whose path sorts first
                left join lateral (select k1.id from skills k1 join files f on f.id = k1.file_id
                                    where k1.source_id = ${sourceId} and k1.name = s2.name and k1.deleted_at is null
                                    order by f.path collate "C" limit 1) k on true
               where a.source_id = ${sourceId}) v
       where s.agent_id = v.agent_id and s.name = v.name and s.skill_id is distinct from v.kid`);
  }
  if (scope.agentIds.length > 0 || scope.commandNames.length > 0) {
    await tx.execute(sql`
      with refs0 as (
        select m.agent_id, m.name, a.namespace as agent_ns,
               case when position(':' in m.name) > 0 then split_part(substr(m.name, 2), ':', 1) end as ns,
               regexp_replace(m.name, '^/(?:[^:]*:)*', '') as cmd
          from agent_commands m join agents a on a.id = m.agent_id
         where a.source_id = ${sourceId}
           and (m.agent_id = any(${ids}::bigint[])
                or regexp_replace(m.name, '^/(?:[^:]*:)*', '') = any(${pgArray(scope.commandNames)}::text[]))
      ), refs as (
        -- A plugin's commands are invoked by its manifest's name: a repository that is one
        -- plugin (.claude-plugin/plugin.json at its root, named "agency") keeps its commands in
        -- commands/, namespace "", and /agency:work means commands/work.md.
        select r.*,
               array(select coalesce(substring(f.path from '([^/]+)/\.claude-plugin/plugin\.json$'), '')
                       from plugins p join files f on f.id = p.file_id
                      where p.source_id = ${sourceId} and p.deleted_at is null and p.name = r.ns) as plugin_ns
          from refs0 r
      ), matched as (
        select r.agent_id, r.name,
               case when r.ns is not null
                    then coalesce((array_agg(k.id) filter (where k.namespace = r.ns))[1],
                                  (array_agg(k.id order by k.namespace) filter (where k.namespace = any(r.plugin_ns)))[1])
                    when count(k.id) filter (where k.namespace = r.agent_ns) = 1
                      then (array_agg(k.id) filter (where k.namespace = r.agent_ns))[1]
                    when count(k.id) = 1 then (array_agg(k.id))[1] end as cid
          from refs r
          -- one command per namespace: of two declaring the name there, the first path
          left join lateral (select distinct on (k1.namespace) k1.id, k1.namespace
                               from commands k1 join files f on f.id = k1.file_id
                              where k1.source_id = ${sourceId} and k1.deleted_at is null and k1.name = r.cmd
                              order by k1.namespace, f.path collate "C") k on true
         group by r.agent_id, r.name, r.ns, r.agent_ns, r.plugin_ns
      )
      update agent_commands m set command_id = mt.cid
        from matched mt
       where m.agent_id = mt.agent_id and m.name = mt.name and m.command_id is distinct from mt.cid`);
  }
}

/**
 * The agent a name means, from a statement where `name` and `ns` (the stating agent's
 * namespace) are in scope: a lateral subquery giving one row of `n` (agents the name could
 * mean), `chosen` (the one it means, or null) and `refs` (their refs, for an ambiguous name).
 * An exact name wins; among file stems, one in the stating agent's namespace; otherwise a
 * single match. Matches are counted by name: two files declaring one name (decision 0018) are
 * one match, meaning the file whose path sorts first. Two index lookups per name, whatever the
 * statistics say: during a large
 * import the tables grow faster than autovacuum analyzes them, and a planner that believes
 * them small compares every name with every agent instead.
 */
export function matchAgentName(sourceId: number, name: SQL, ns: SQL): SQL {
  return sql`(
    select count(distinct m.name) as n,
           coalesce(
             (array_agg(m.id order by m.path collate "C") filter (where m.name = ${name}))[1],
             case when count(distinct m.name) filter (where m.namespace = ${ns}) = 1
                  then (array_agg(m.id order by m.path collate "C") filter (where m.namespace = ${ns}))[1] end,
             case when count(distinct m.name) = 1 then (array_agg(m.id order by m.path collate "C"))[1] end
           ) as chosen,
           array_agg(distinct s.name || '/' || m.name) filter (where m.id is not null) as refs
      from (select a1.id, a1.name, a1.namespace, a1.source_id, f1.path from agents a1 join files f1 on f1.id = a1.file_id
             where a1.source_id = ${sourceId} and a1.deleted_at is null and a1.name = ${name}
            union
            select a2.id, a2.name, a2.namespace, a2.source_id, f2.path from agents a2 join files f2 on f2.id = a2.file_id
             where a2.source_id = ${sourceId} and a2.deleted_at is null and a2.stem = ${name}) m
      left join sources s on s.id = m.source_id)`;
}

/**
 * Resolves again one side of the edges that name agents an import created, renamed or
 * deleted. (An import resolves the edges it writes as it writes them; see import.ts.)
 */
function resolveEdgeSide(sourceId: number, names: SQL, skip: SQL, side: "to" | "from"): SQL {
  const nameCol = sql.raw(`${side}_name`);
  const idCol = sql.raw(`${side}_agent_id`);
  // Candidates describe the unresolved side; the `from` side only replaces them when it is
  // the one left unresolved (as when both sides are resolved at insert).
  const candidates =
    side === "to"
      ? sql`case when mt.chosen is null and mt.n > 1 then mt.refs end`
      : sql`case when mt.chosen is null and mt.n > 1 then mt.refs else c.candidates end`;
  return sql`
    with matched as (
      select tg.id, mt.n, mt.chosen, mt.refs
        from (select c.id, a.namespace as ns, c.${nameCol} as name
                from collaborations c join agents a on a.id = c.agent_id
               where c.source_id = ${sourceId} and c.${nameCol} = any(${names}::text[])
                 -- the stating agent's own side was set when the edge was written
                 and c.${nameCol} <> a.name
                 and not (c.agent_id = any(${skip}::bigint[]))) tg
        cross join lateral ${matchAgentName(sourceId, sql`tg.name`, sql`tg.ns`)} mt
    )
    update collaborations c set ${idCol} = mt.chosen, candidates = ${candidates}
      from matched mt
     where c.id = mt.id
       and (c.${idCol} is distinct from mt.chosen or c.candidates is distinct from ${candidates})`;
}
