// `agentry doctor`: the catalog's invariants, checked against the tables' rows themselves, and
// repaired where that loses nothing stored.
//
// A catalog that two processes wrote at once through one PGlite folder (round 1 did this in
// its own Quick start) holds rows its unique indexes do not know about: every imported agent
// twice, search rows missing, edges pointing at rows that are gone. An index can be wrong
// there, so every check runs with index scans off and reads the tables' rows. See
// docs/decisions/0012-one-process-per-pglite-folder.md.
import { type SQL, sql } from "drizzle-orm";
import { rowsOf } from "./bulk.js";
import type { AgentryTx, Database, Executor } from "./database.js";
import { resolveReferences } from "./resolve.js";
import { indexStaleAgents } from "./search-index.js";

export interface Finding {
  check: string;
  /** What is wrong, for a person. */
  message: string;
  count: number;
  /** Up to five of the rows concerned (refs, paths, index names). */
  examples: string[];
  /** Whether `doctor --repair` fixes it. */
  repairable: boolean;
}

/**
 * The unique indexes the schema declares (drizzle/), by name: a damaged catalog may lack one,
 * and repair creates it again. test/embedded/doctor.test.ts checks this list against a freshly
 * migrated database, so it cannot drift from the migrations.
 */
export const UNIQUE_INDEXES: Record<string, string> = {
  sources_name_unique: "create unique index sources_name_unique on sources (name)",
  files_source_path: "create unique index files_source_path on files (source_id, path)",
  revisions_file_number: "create unique index revisions_file_number on revisions (file_id, number)",
  // Per file, not per source: two files may declare one name (decision 0018).
  agents_file_name: "create unique index agents_file_name on agents (file_id, name)",
  skills_file_name: "create unique index skills_file_name on skills (file_id, name)",
  commands_file_name: "create unique index commands_file_name on commands (file_id, name)",
  tools_name_unique: "create unique index tools_name_unique on tools (name)",
  plugins_source_file: "create unique index plugins_source_file on plugins (file_id)",
};

const TABLES = [
  "sources",
  "files",
  "revisions",
  "plugins",
  "agents",
  "agent_search",
  "skills",
  "commands",
  "tools",
  "agent_tools",
  "agent_skills",
  "agent_commands",
  "agent_aliases",
  "examples",
  "sections",
  "collaborations",
];

interface Check {
  check: string;
  message: string;
  repairable: boolean;
  /** One row per problem, with a `label` column. */
  rows: SQL;
}

const duplicates = (check: string, what: string, label: SQL, from: SQL, keys: SQL): Check => ({
  check,
  message: `${what} stored more than once (the unique index does not hold)`,
  repairable: true,
  rows: sql`select ${label} || ' (' || count(*) || ' rows)' as label from ${from} group by ${keys} having count(*) > 1`,
});

const CHECKS: Check[] = [
  {
    check: "duplicate-sources",
    message: "sources stored more than once",
    repairable: false,
    rows: sql`select name as label from sources group by name having count(*) > 1`,
  },
  duplicates(
    "duplicate-files",
    "files",
    sql`min(s.name) || ':' || f.path`,
    sql`files f join sources s on s.id = f.source_id`,
    sql`f.source_id, f.path`,
  ),
  duplicates(
    "duplicate-revisions",
    "revision numbers",
    sql`min(f.path) || '#' || r.number`,
    sql`revisions r join files f on f.id = r.file_id`,
    sql`r.file_id, r.number`,
  ),
  // A copy is a second row for the same file (by path: the file row may be a copy too). Two
  // files that declare one name are a name conflict, stored on purpose (decision 0018): not a
  // duplicate, and never merged.
  duplicates(
    "duplicate-agents",
    "agents",
    sql`min(s.name) || '/' || a.name`,
    sql`agents a join sources s on s.id = a.source_id join files f on f.id = a.file_id`,
    sql`a.source_id, f.path, a.name`,
  ),
  duplicates(
    "duplicate-skills",
    "skills",
    sql`min(s.name) || '/' || k.name`,
    sql`skills k join sources s on s.id = k.source_id join files f on f.id = k.file_id`,
    sql`k.source_id, f.path, k.name`,
  ),
  duplicates(
    "duplicate-commands",
    "commands",
    sql`min(s.name) || '/' || c.namespace || ':' || c.name`,
    sql`commands c join sources s on s.id = c.source_id join files f on f.id = c.file_id`,
    sql`c.source_id, f.path, c.namespace, c.name`,
  ),
  duplicates("duplicate-tools", "tools", sql`t.name`, sql`tools t`, sql`t.name`),
  {
    check: "missing-unique-index",
    message: "unique indexes missing or not valid",
    repairable: true,
    rows: sql`select n.name as label
                from unnest(${sql.raw(`array[${Object.keys(UNIQUE_INDEXES).map((n) => `'${n}'`)}]`)}::text[]) n(name)
                left join pg_class c on c.relname = n.name and c.relkind = 'i'
                left join pg_index i on i.indexrelid = c.oid
               where i.indexrelid is null or not i.indisunique or not i.indisvalid`,
  },
  {
    check: "search-rows",
    message: "live agents without a full-text row for their current revision (search does not find them)",
    repairable: true,
    rows: sql`select s.name || '/' || a.name as label
                from agents a join sources s on s.id = a.source_id
                left join agent_search x on x.agent_id = a.id
               where a.deleted_at is null and (x.agent_id is null or x.revision_id <> a.revision_id)`,
  },
  {
    check: "dangling-edges",
    message: "collaboration edges of live agents pointing at an agent that is gone",
    repairable: true,
    rows: sql`select s.name || '/' || a.name || ' -> ' || c.to_name as label
                from collaborations c
                join agents a on a.id = c.agent_id and a.deleted_at is null
                join sources s on s.id = a.source_id
               where (c.to_agent_id is not null and not exists
                       (select 1 from agents t where t.id = c.to_agent_id and t.deleted_at is null))
                  or (c.from_agent_id is not null and not exists
                       (select 1 from agents t where t.id = c.from_agent_id and t.deleted_at is null))`,
  },
  {
    check: "current-revisions",
    message: "files whose current revision is missing or belongs to another file",
    repairable: true,
    rows: sql`select s.name || ':' || f.path as label
                from files f join sources s on s.id = f.source_id
                left join revisions r on r.id = f.current_revision_id
               where f.current_revision_id is not null and (r.id is null or r.file_id <> f.id)`,
  },
  {
    check: "stale-agents",
    message:
      "live agents that do not mirror their file's current revision (import the source again to rewrite them)",
    repairable: false,
    rows: sql`select s.name || '/' || a.name as label
                from agents a join sources s on s.id = a.source_id join files f on f.id = a.file_id
               where a.deleted_at is null
                 and (f.deleted_at is not null or f.current_revision_id is distinct from a.revision_id)`,
  },
];

/** Index scans off for this transaction: a damaged index must not hide the rows it lost. */
async function readTablesNotIndexes(tx: Executor): Promise<void> {
  await tx.execute(sql`set local enable_indexscan = off`);
  await tx.execute(sql`set local enable_indexonlyscan = off`);
  await tx.execute(sql`set local enable_bitmapscan = off`);
}

async function runChecks(tx: Executor): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const c of CHECKS) {
    const rows = rowsOf<{ label: string }>(await tx.execute(sql`${c.rows}`));
    if (rows.length === 0) continue;
    findings.push({
      check: c.check,
      message: c.message,
      count: rows.length,
      examples: rows
        .map((r) => r.label)
        .sort()
        .slice(0, 5),
      repairable: c.repairable,
    });
  }
  return findings;
}

/** Every invariant that does not hold, in one read-only transaction. */
export async function diagnoseCatalog(database: Database): Promise<Finding[]> {
  return database.transaction(async (tx) => {
    await readTablesNotIndexes(tx);
    return runChecks(tx);
  });
}

export interface RepairReport {
  before: Finding[];
  after: Finding[];
}

/**
 * Repairs what can be repaired without losing anything stored, in one transaction: duplicate
 * rows are merged into one (references moved to it first; duplicate revisions are numbered
 * again, never deleted), indexes are rebuilt from the rows, search rows rewritten, every
 * reference resolved again, and every source's generation moved on so caches drop what they
 * hold. Then checks again.
 */
export async function repairCatalog(database: Database): Promise<RepairReport> {
  const before = await diagnoseCatalog(database);
  if (before.length === 0) return { before, after: [] };
  // Two sources of one name: which files belong to which is a person's decision.
  if (before.some((f) => f.check === "duplicate-sources")) return { before, after: before };
  await database.transaction(async (tx) => {
    await readTablesNotIndexes(tx);
    await mergeDuplicateFiles(tx);
    await renumberRevisions(tx);
    // By file (the copies' files were merged just above): rows of two files that declare one
    // name are a name conflict, kept as they are.
    await mergeDuplicates(tx, "agents", "file_id, name", [
      ["collaborations", "to_agent_id"],
      ["collaborations", "from_agent_id"],
    ]);
    await mergeDuplicates(tx, "skills", "file_id, name", [["agent_skills", "skill_id"]]);
    await mergeDuplicates(tx, "commands", "file_id, name", [["agent_commands", "command_id"]]);
    await mergeDuplicateTools(tx);
    for (const [table, keys] of COPIES_BY_KEY) await dropCopies(tx, table, keys);
    await rebuildIndexes(tx);
    await tx.execute(sql`reset enable_indexscan`);
    await tx.execute(sql`reset enable_indexonlyscan`);
    await tx.execute(sql`reset enable_bitmapscan`);
    await forgetDanglingEdges(tx);
    const sources = rowsOf<{ id: number }>(await tx.execute(sql`select id from sources order by id`));
    for (const { id } of sources) {
      await resolveEverything(tx, Number(id));
      await indexStaleAgents(tx, Number(id));
    }
    await tx.execute(sql`update sources set generation = generation + 1, updated_at = now()`);
  });
  return { before, after: await diagnoseCatalog(database) };
}

/**
 * Files stored twice under one path: keep the oldest row (its id is the one clients know),
 * pointing at the newest current revision of the copies, and move everything that points at
 * the others (revisions, agents, skills, commands, plugins) to it.
 */
async function mergeDuplicateFiles(tx: AgentryTx): Promise<void> {
  await tx.execute(sql`
    create temporary table doctor_file_map on commit drop as
    select f.id as old_id, k.keep as new_id, k.newest
      from files f
      join (select source_id, path, max(current_revision_id) as newest,
                   (array_agg(id order by (deleted_at is null) desc, id))[1] as keep
              from files group by source_id, path having count(*) > 1) k
        on k.source_id = f.source_id and k.path = f.path`);
  for (const table of ["revisions", "agents", "skills", "commands", "plugins"]) {
    await tx.execute(sql`update ${sql.raw(table)} t set file_id = m.new_id
                           from doctor_file_map m where t.file_id = m.old_id and m.old_id <> m.new_id`);
  }
  await tx.execute(sql`update files f set current_revision_id = m.newest, deleted_at = null
                         from doctor_file_map m where f.id = m.new_id and m.old_id = m.new_id`);
  await tx.execute(
    sql`delete from files f using doctor_file_map m where f.id = m.old_id and m.old_id <> m.new_id`,
  );
}

/**
 * Revision numbers used twice for one file: every revision is kept (each holds a text someone
 * imported) and the file's revisions are numbered again in the order they were stored. A file
 * whose current revision is not its own points at its newest one.
 */
async function renumberRevisions(tx: AgentryTx): Promise<void> {
  await tx.execute(sql`
    update revisions r set number = v.n
      from (select id, row_number() over (partition by file_id order by id)::int as n
              from revisions
             where file_id in (select file_id from revisions group by file_id, number having count(*) > 1)) v
     where r.id = v.id and r.number <> v.n`);
  await tx.execute(sql`
    update files f set current_revision_id = (select max(r.id) from revisions r where r.file_id = f.id)
     where f.current_revision_id is not null
       and not exists (select 1 from revisions r where r.id = f.current_revision_id and r.file_id = f.id)`);
}

/**
 * Entity rows stored twice under one key: the copies were written from the same files. The
 * oldest live row stays (its id is the one clients know), references to the others move to
 * it, and the others go (their child rows with them, by cascade). A kept row that was written
 * from the same text as its file's current revision then names that revision.
 */
async function mergeDuplicates(
  tx: AgentryTx,
  table: string,
  keys: string,
  references: [string, string][],
): Promise<void> {
  const t = sql.raw(table);
  const k = sql.raw(keys);
  const map = sql.raw(`doctor_${table}_map`);
  const joinKeys = sql.raw(
    keys
      .split(",")
      .map((c) => `x.${c.trim()} = d.${c.trim()}`)
      .join(" and "),
  );
  await tx.execute(sql`
    create temporary table ${map} on commit drop as
    select x.id as old_id, d.keep as new_id
      from ${t} x
      join (select ${k}, (array_agg(e.id order by (e.deleted_at is null) desc, e.id))[1] as keep
              from ${t} e group by ${k} having count(*) > 1) d
        on ${joinKeys}
     where x.id <> d.keep`);
  for (const [refTable, column] of references) {
    const c = sql.raw(column);
    await tx.execute(sql`update ${sql.raw(refTable)} r set ${c} = m.new_id
                           from ${map} m where r.${c} = m.old_id`);
  }
  await tx.execute(sql`delete from ${t} x using ${map} m where x.id = m.old_id`);
  await tx.execute(sql`
    update ${t} x set revision_id = f.current_revision_id
      from files f, revisions mine, revisions cur
     where f.id = x.file_id and mine.id = x.revision_id and cur.id = f.current_revision_id
       and x.revision_id <> f.current_revision_id and mine.content_hash = cur.content_hash`);
}

/** Tools are global: merge duplicates by name, keeping the lowest id. */
async function mergeDuplicateTools(tx: AgentryTx): Promise<void> {
  await tx.execute(sql`
    create temporary table doctor_tools_map on commit drop as
    select t.id as old_id, k.keep as new_id
      from tools t join (select name, min(id) as keep from tools group by name having count(*) > 1) k
        on k.name = t.name
     where t.id <> k.keep`);
  // An agent that lists both copies keeps one row.
  await tx.execute(sql`
    delete from agent_tools a using doctor_tools_map m
     where a.tool_id = m.old_id
       and exists (select 1 from agent_tools b where b.agent_id = a.agent_id and b.tool_id = m.new_id)`);
  await tx.execute(
    sql`update agent_tools a set tool_id = m.new_id from doctor_tools_map m where a.tool_id = m.old_id`,
  );
  await tx.execute(sql`delete from tools t using doctor_tools_map m where t.id = m.old_id`);
}

/**
 * Rows that are whole copies of another under a table's primary key (child rows written twice,
 * and a plugin row twice for one file): the copy goes, the row stays.
 */
const COPIES_BY_KEY: [string, string][] = [
  ["agent_search", "agent_id"],
  ["agent_tools", "agent_id, tool_id"],
  ["agent_skills", "agent_id, name"],
  ["agent_commands", "agent_id, name"],
  ["agent_aliases", "agent_id, alias"],
  ["examples", "agent_id, position"],
  ["sections", "agent_id, position"],
  ["plugins", "file_id"],
];

async function dropCopies(tx: AgentryTx, table: string, keys: string): Promise<void> {
  const same = keys
    .split(",")
    .map((c) => `a.${c.trim()} = b.${c.trim()}`)
    .join(" and ");
  await tx.execute(sql.raw(`delete from ${table} a using ${table} b where ${same} and a.ctid < b.ctid`));
}

/** Every index rebuilt from the rows, and the unique ones that went missing created again. */
async function rebuildIndexes(tx: AgentryTx): Promise<void> {
  for (const table of TABLES) await tx.execute(sql.raw(`reindex table ${table}`));
  const present = rowsOf<{ relname: string }>(
    await tx.execute(sql`select c.relname from pg_class c join pg_index i on i.indexrelid = c.oid
                          where i.indisunique and i.indisvalid`),
  );
  const have = new Set(present.map((r) => r.relname));
  for (const [name, create] of Object.entries(UNIQUE_INDEXES)) {
    if (have.has(name)) continue;
    await tx.execute(sql.raw(`drop index if exists ${name}`));
    await tx.execute(sql.raw(create));
  }
}

/** Ends of edges that point at agents that are gone: unresolved, for the resolver to match. */
async function forgetDanglingEdges(tx: AgentryTx): Promise<void> {
  for (const side of ["to", "from"]) {
    const col = sql.raw(`${side}_agent_id`);
    await tx.execute(sql`
      update collaborations c set ${col} = null
       where c.${col} is not null
         and not exists (select 1 from agents t where t.id = c.${col} and t.deleted_at is null)`);
  }
}

/** Resolves every reference of a source again, as if each of its agents had just arrived. */
async function resolveEverything(tx: AgentryTx, sourceId: number): Promise<void> {
  const list = async (query: SQL) => rowsOf<{ v: string | number }>(await tx.execute(query)).map((r) => r.v);
  const agentIds = (await list(
    sql`select id as v from agents where source_id = ${sourceId} and deleted_at is null`,
  )) as number[];
  const agentNames = (await list(sql`
    select to_name as v from collaborations where source_id = ${sourceId}
    union select from_name from collaborations where source_id = ${sourceId}`)) as string[];
  await resolveReferences(tx, sourceId, {
    agentIds: agentIds.map(Number),
    resolvedAtInsert: [],
    agentNames,
    skillNames: (await list(sql`select name as v from skills where source_id = ${sourceId}`)) as string[],
    commandNames: (await list(sql`select name as v from commands where source_id = ${sourceId}`)) as string[],
  });
  // The stating agent's own side is set when an edge is written, and the resolver leaves it.
  for (const side of ["to", "from"]) {
    const [id, name] = [sql.raw(`${side}_agent_id`), sql.raw(`${side}_name`)];
    await tx.execute(sql`
      update collaborations c set ${id} = c.agent_id
        from agents a
       where a.id = c.agent_id and c.source_id = ${sourceId} and c.${id} is null and c.${name} = a.name`);
  }
}
