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
import { pgArray, rowsOf } from "./bulk.js";
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
  /** Names as written that agents of the batch now declare (agent_aliases). */
  aliases?: readonly string[];
  /** Agents retired or deleted: edges resolved to them (by any step) are matched again. */
  goneAgentIds?: readonly number[];
  /** Plugin manifests' names created, renamed (old and new) or deleted: `/<name>:cmd` again. */
  pluginNames?: readonly string[];
}

/**
 * The names an edge may have been written with for these agent names to be its match by a
 * step after the stems: every hyphen-suffix (`architect` for `backend-architect`).
 */
function suffixesOf(names: readonly string[]): string[] {
  const out = new Set(names);
  for (const n of names)
    for (let i = n.indexOf("-"); i >= 0; i = n.indexOf("-", i + 1)) out.add(n.slice(i + 1));
  out.delete("");
  return [...out];
}

export async function resolveReferences(tx: AgentryTx, sourceId: number, scope: ResolveScope): Promise<void> {
  const ids = pgArray(scope.agentIds);
  const gone = scope.goneAgentIds ?? [];
  if (scope.agentNames.length > 0 || gone.length > 0) {
    const skip = pgArray(scope.resolvedAtInsert);
    const keys: EdgeKeys = {
      names: pgArray(suffixesOf(scope.agentNames)),
      flats: pgArray([...new Set(scope.agentNames.map((n) => n.replaceAll("-", "")))]),
      texts: pgArray([...new Set(scope.aliases ?? [])]),
      gone: pgArray(gone),
    };
    // No JIT for the rest of the transaction: the probes' union is estimated in the thousands
    // of rows (a key's expected matches times the keys), which is over jit_above_cost, and
    // compiling the statement took 1-2 s of a 40 ms resolution (250 names, 600,000 edges).
    await tx.execute(sql`set local jit = off`);
    for (const side of ["to", "from"] as const) {
      // Two statements a side: the edges to match again (index probes, into the client), then
      // the match over just those rows. As one statement the planner, misled by the union's
      // estimate, joined whole tables: 6-10 s for 250 names on 600,000 edges.
      const edges = rowsOf<EdgeRow>(await tx.execute(edgesToMatch(sourceId, keys, skip, side)));
      if (edges.length > 0) await tx.execute(resolveEdgeSide(sourceId, edges, side));
    }
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
  const plugins = scope.pluginNames ?? [];
  if (scope.agentIds.length > 0 || scope.commandNames.length > 0 || plugins.length > 0) {
    await tx.execute(sql`
      with refs0 as (
        select m.agent_id, m.name, a.namespace as agent_ns,
               case when position(':' in m.name) > 0 then split_part(substr(m.name, 2), ':', 1) end as ns,
               regexp_replace(m.name, '^/(?:[^:]*:)*', '') as cmd
          from agent_commands m join agents a on a.id = m.agent_id
         where a.source_id = ${sourceId}
           and (m.agent_id = any(${ids}::bigint[])
                or regexp_replace(m.name, '^/(?:[^:]*:)*', '') = any(${pgArray(scope.commandNames)}::text[])
                -- a manifest created or renamed: /<its name>:cmd may mean its folder's commands now
                or (position(':' in m.name) > 0
                    and split_part(substr(m.name, 2), ':', 1) = any(${pgArray(plugins)}::text[])))
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
export function matchAgentName(
  sourceId: number,
  name: SQL,
  ns: SQL,
  /** The name as written, or null. */
  text: SQL,
  /** The stating agent's id: a name never falls back to it. */
  self: SQL,
  /**
   * Whether the steps after the stems may run: for handoffs and peers, not for the body's
   * mention candidates (every hyphenated word of a body, most of them no agent).
   */
  loose: SQL,
): SQL {
  // Only when the name and the stems found nothing, one step after the other (each an index
  // range of its own: agents_flat_name, agent_aliases_alias, agents_name_suffix), never the
  // stating agent itself, and only a single match (two files of one name count once):
  // 1. the name without hyphens: `tik-tok-strategist` is the catalog's `tiktok-strategist`;
  // 2. the text as written, against the names agents declared before normalization;
  // 3. the only agent of the stating agent's plugin whose name ends with `-<name>`
  //    (`architect` → `backend-architect`).
  const single = (from: SQL, where: SQL) => sql`(select case when count(distinct u.name) = 1
                  then (array_agg(u.id order by uf.path collate "C"))[1] end
             from ${from} join files uf on uf.id = u.file_id
            where u.source_id = ${sourceId} and u.deleted_at is null and u.id <> ${self} and ${where})`;
  return sql`(
    select x.n,
           coalesce(x.chosen, case when x.n = 0 and ${loose} then coalesce(
             ${single(sql`agents u`, sql`u.flat_name = replace(${name}, '-', '')`)},
             case when ${text} is not null
                  then ${single(sql`agent_aliases al join agents u on u.id = al.agent_id`, sql`al.alias = ${text}`)} end,
             ${single(
               sql`agents u`,
               // A range of the reversed names: a LIKE on a value known only when the statement
               // runs cannot use the index.
               sql`u.namespace = ${ns}
                   and reverse(u.name) collate "C" >= reverse('-' || ${name}) collate "C"
                   and reverse(u.name) collate "C" < (reverse('-' || ${name}) || chr(1114111)) collate "C"`,
             )}) end) as chosen,
           x.refs
      from (select count(m.id) as n,
                   coalesce(
                     (array_agg(m.id) filter (where m.name = ${name}))[1],
                     case when count(m.id) filter (where m.namespace = ${ns}) = 1
                          then (array_agg(m.id) filter (where m.namespace = ${ns}))[1] end,
                     case when count(m.id) = 1 then (array_agg(m.id))[1] end
                   ) as chosen,
                   array_agg((select s.name from sources s where s.id = m.source_id) || '/' || m.name) as refs
              -- One row per name, the file whose path sorts first, in name order: one sort
              -- per call. (Ordered and distinct aggregates here cost a sort each, eight per
              -- call and two calls per edge: the corpus import ran 25-40 % slower.)
              from (select distinct on (u.name) u.id, u.name, u.namespace, u.source_id
                      from (select a1.id, a1.name, a1.namespace, a1.source_id, a1.file_id from agents a1
                             where a1.source_id = ${sourceId} and a1.deleted_at is null and a1.name = ${name}
                            -- All: the distinct on below drops an agent found by name and stem.
                            union all
                            select a2.id, a2.name, a2.namespace, a2.source_id, a2.file_id from agents a2
                             where a2.source_id = ${sourceId} and a2.deleted_at is null and a2.stem = ${name}) u
                      join files f on f.id = u.file_id
                     order by u.name, f.path collate "C") m) x)`;
}

/**
 * Resolves again one side of the edges that name agents an import created, renamed or
 * deleted. (An import resolves the edges it writes as it writes them; see import.ts.)
 */
interface EdgeKeys {
  /** Names and their hyphen-suffixes. */
  names: SQL;
  /** The names without hyphens. */
  flats: SQL;
  /** Declared names as written. */
  texts: SQL;
  /** Agents gone from the catalog. */
  gone: SQL;
}

interface EdgeRow {
  id: unknown;
  agent_id: unknown;
  kind: string;
  ns: string;
  name: string;
  text: string | null;
}

/**
 * The edges one side of which names one of the keys, each key an index probe of its own
 * whatever the statistics say (collaborations_source_<side>_name, the partial ..._flat and
 * ..._text, collaborations_<side>); the stating agent's own side and groups left out.
 */
function edgesToMatch(sourceId: number, keys: EdgeKeys, skip: SQL, side: "to" | "from"): SQL {
  const nameCol = sql.raw(`${side}_name`);
  const idCol = sql.raw(`${side}_agent_id`);
  const textCol = sql.raw(`${side}_text`);
  const kindCol = sql.raw(`${side}_kind`);
  // offset 0: a probe per key, never flattened into a join the planner may hash
  const probe = (values: SQL, type: string, where: SQL) =>
    sql`select x.id from unnest(${values}::${sql.raw(type)}[]) k(v)
          cross join lateral (select x.id from collaborations x where ${where} offset 0) x`;
  return sql`
    select c.id, c.agent_id, c.kind, a.namespace as ns, c.${nameCol} as name, c.${textCol} as text
      from (${probe(keys.names, "text", sql`x.source_id = ${sourceId} and x.${nameCol} = k.v`)}
            union
            ${probe(keys.flats, "text", sql`x.source_id = ${sourceId} and x.kind <> 'mention' and replace(x.${nameCol}, '-', '') = k.v`)}
            union
            ${probe(keys.texts, "text", sql`x.source_id = ${sourceId} and x.${textCol} is not null and x.${textCol} = k.v`)}
            union
            ${probe(keys.gone, "bigint", sql`x.${idCol} = k.v`)}) e
      -- by primary key, row by row: joined, the union's estimate made the planner hash both tables
      cross join lateral (select c1.* from collaborations c1 where c1.id = e.id offset 0) c
      cross join lateral (select a1.namespace, a1.name from agents a1 where a1.id = c.agent_id offset 0) a
     where c.source_id = ${sourceId}
       -- the stating agent's own side was set when the edge was written
       and c.${nameCol} <> a.name
       -- a group ("All Agents") is no agent
       and c.${kindCol} is null
       and not (c.agent_id = any(${skip}::bigint[]))`;
}

/**
 * Resolves again one side of these edges (those naming agents an import created, renamed or
 * deleted; an import resolves the edges it writes as it writes them, see import.ts), from
 * their values: the same lateral match the insert runs, over just these rows.
 */
function resolveEdgeSide(sourceId: number, edges: readonly EdgeRow[], side: "to" | "from"): SQL {
  const idCol = sql.raw(`${side}_agent_id`);
  // Candidates describe the unresolved side; the `from` side only replaces them when it is
  // the one left unresolved (as when both sides are resolved at insert).
  const candidates =
    side === "to"
      ? sql`case when mt.chosen is null and mt.n > 1 then mt.refs end`
      : sql`case when mt.chosen is null and mt.n > 1 then mt.refs else c.candidates end`;
  const col = <K extends keyof EdgeRow>(k: K) => pgArray(edges.map((e) => e[k] as string | number));
  return sql`
    with matched as (
      select tg.id, mt.n, mt.chosen, mt.refs
        from unnest(${col("id")}::bigint[], ${col("agent_id")}::bigint[], ${col("kind")}::text[],
                    ${col("ns")}::text[], ${col("name")}::text[], ${col("text")}::text[]) as tg(id, agent_id, kind, ns, name, text)
        cross join lateral ${matchAgentName(sourceId, sql`tg.name`, sql`tg.ns`, sql`tg.text`, sql`tg.agent_id`, sql`tg.kind <> 'mention'`)} mt
    )
    update collaborations c set ${idCol} = mt.chosen, candidates = ${candidates}
      from matched mt
     where c.id = mt.id
       and (c.${idCol} is distinct from mt.chosen or c.candidates is distinct from ${candidates})`;
}
