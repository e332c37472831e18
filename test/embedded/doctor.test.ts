// `agentry doctor`: a consistent catalog passes; a catalog damaged the way two writers on one
// PGlite folder damaged it (rows the unique indexes do not know, search rows missing, edges
// pointing at rows that are gone) is found precisely and repaired without losing a stored
// file, on PGlite and on PostgreSQL; and the CLI does both on an embedded folder.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import { diagnoseCatalog, type Finding, repairCatalog, UNIQUE_INDEXES } from "../../src/catalog/doctor.js";
import { exportSource } from "../../src/catalog/export.js";
import { importFiles } from "../../src/catalog/import.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { gql, testApp } from "../support/app.js";
import { driverCases } from "../support/databases.js";
import { CORPUS_DIR, requireShared } from "../support/shared.js";
import { agentry } from "./processes.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

async function all<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.db.execute(query));
}

/** Everything a client can see that the damage could change. */
async function snapshot(database: Database) {
  const app = testApp(database);
  const r = await gql<{
    agents: { totalCount: number; nodes: { id: string; ref: string; tools: { name: string }[] }[] };
    search: { nodes: { ref: string }[] };
  }>(
    app,
    `{ agents(first: 100) { totalCount nodes { id ref tools { name } } }
       search: agents(first: 50, filter: { text: "release" }) { nodes { ref } } }`,
  );
  expect(r.body.errors).toBeUndefined();
  const edges = await all<{ e: string }>(
    database,
    sql`select a.name || ' ' || c.kind || ' ' || coalesce(t.name, '?' || c.to_name) as e
          from collaborations c join agents a on a.id = c.agent_id and a.deleted_at is null
          left join agents t on t.id = c.to_agent_id order by 1`,
  );
  return {
    agents: r.body.data!.agents,
    search: r.body.data!.search.nodes.map((n) => n.ref).sort(),
    edges: edges.map((x) => x.e),
    exported: await exportSource(database.db, "acme-platform"),
  };
}

/**
 * The damage: five agents of acme-platform stored a second time (file, revision, agent, its
 * tools and edges), as the second writer did, with the unique indexes that would have refused
 * them gone; three search rows lost; two edges pointing at an agent id that does not exist.
 */
async function damage(database: Database): Promise<void> {
  const db = database.db;
  for (const index of ["agents_file_name", "files_source_path", "revisions_file_number"])
    await db.execute(sql.raw(`drop index ${index}`));
  const victims = await all<{ id: number; file_id: number; revision_id: number }>(
    database,
    sql`select a.id, a.file_id, a.revision_id from agents a join sources s on s.id = a.source_id
         where s.name = 'acme-platform' and a.deleted_at is null order by a.name limit 5`,
  );
  for (const v of victims) {
    const [file] = await all<{ id: number }>(
      database,
      sql`insert into files (source_id, path, kind, namespace, content_hash)
          select source_id, path, kind, namespace, content_hash from files where id = ${v.file_id} returning id`,
    );
    const [rev] = await all<{ id: number }>(
      database,
      sql`insert into revisions (file_id, number, content_hash, content)
          select ${file!.id}, number, content_hash, content from revisions where id = ${v.revision_id} returning id`,
    );
    await db.execute(sql`update files set current_revision_id = ${rev!.id} where id = ${file!.id}`);
    const [agent] = await all<{ id: number }>(
      database,
      sql`insert into agents (source_id, file_id, revision_id, namespace, name, stem, description, model_raw,
                              model_family, color, tools_mode, body)
          select source_id, ${file!.id}, ${rev!.id}, namespace, name, stem, description, model_raw,
                 model_family, color, tools_mode, body from agents where id = ${v.id} returning id`,
    );
    await db.execute(sql`insert into agent_tools (agent_id, tool_id, tier, position)
                         select ${agent!.id}, tool_id, tier, position from agent_tools where agent_id = ${v.id}`);
    await db.execute(sql`
      insert into collaborations (agent_id, source_id, kind, from_name, to_name, from_agent_id, to_agent_id,
                                  candidates, summary, attributes, phase, section, evidence_line, evidence_text)
      select ${agent!.id}, source_id, kind, from_name, to_name,
             case when from_agent_id = ${v.id} then ${agent!.id} else from_agent_id end, to_agent_id,
             candidates, summary, attributes, phase, section, evidence_line, evidence_text
        from collaborations where agent_id = ${v.id}`);
  }
  await db.execute(sql`delete from agent_search where agent_id in
                         (select id from agents where deleted_at is null order by name desc limit 3)`);
  await db.execute(sql`update collaborations set to_agent_id = 987654321 where id in
                         (select id from collaborations where to_agent_id is not null order by id limit 2)`);
}

const byCheck = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [f.check, f.count]));

describe.each(cases)("agentry doctor on $driver", ({ open }) => {
  it("knows every unique index the migrations create", async () => {
    const { database, cleanup } = await open();
    try {
      const rows = await all<{ indexname: string }>(
        database,
        sql`select indexname from pg_indexes
             where schemaname = 'public' and indexdef like 'CREATE UNIQUE INDEX%' and indexname not like '%_pk' and indexname not like '%_pkey'`,
      );
      expect(rows.map((r) => r.indexname).sort()).toEqual(Object.keys(UNIQUE_INDEXES).sort());
    } finally {
      await cleanup();
    }
  });

  it("finds nothing wrong in a catalog the importer wrote", async () => {
    const { database, cleanup } = await open();
    try {
      await loadExamplesIfEmpty(database);
      expect(await diagnoseCatalog(database)).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it("finds nothing wrong in a real catalog the importer wrote, edited and pruned", async () => {
    if (!requireShared(CORPUS_DIR)) return;
    const { database, cleanup } = await open();
    try {
      const found = await findDefinitionFiles([CORPUS_DIR]);
      const files = found.map((f) => ({
        path: f.relativePath,
        kind: f.kind,
        text: readFileSync(f.path, "utf8"),
      }));
      await importFiles(database, files, { source: "corpus" });
      // A second version of some files, and others gone.
      const edited = files
        .slice(0, 400)
        .map((f, i) => (i % 7 === 0 ? { ...f, text: `${f.text}\nEdited.\n` } : f));
      await importFiles(database, edited, { source: "corpus", prune: true });
      expect(await diagnoseCatalog(database)).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it("finds each kind of damage precisely and repairs it without losing a file", async () => {
    const { database, cleanup } = await open();
    try {
      await loadExamplesIfEmpty(database);
      const healthy = await snapshot(database);
      const revisions = (
        await all<{ n: number }>(database, sql`select count(*)::int as n from revisions`)
      )[0]!.n;
      await damage(database);

      const found = await diagnoseCatalog(database);
      expect(byCheck(found)).toEqual({
        "duplicate-files": 5,
        "duplicate-agents": 5,
        "missing-unique-index": 3,
        // The three that lost theirs and the five copies, which never had one.
        "search-rows": 8,
        "dangling-edges": 2,
      });
      const dupAgents = found.find((f) => f.check === "duplicate-agents")!;
      expect(dupAgents.examples[0]).toMatch(/^acme-platform\/[a-z-]+ \(2 rows\)$/);
      expect(found.find((f) => f.check === "missing-unique-index")!.examples).toEqual([
        "agents_file_name",
        "files_source_path",
        "revisions_file_number",
      ]);

      const { before, after } = await repairCatalog(database);
      expect(before).toEqual(found);
      expect(after).toEqual([]);
      expect(await diagnoseCatalog(database)).toEqual([]);
      // What clients saw before the damage, ids included, and every file byte for byte.
      expect(await snapshot(database)).toEqual(healthy);
      // Every revision kept: the copies' texts are revisions of the one file now.
      const kept = (await all<{ n: number }>(database, sql`select count(*)::int as n from revisions`))[0]!.n;
      expect(kept).toBe(revisions + 5);
      // The unique index refuses a duplicate again.
      await expect(
        database.db.execute(sql`insert into agents (source_id, file_id, revision_id, name, stem, tools_mode, body)
                                select source_id, file_id, revision_id, name, stem, tools_mode, body
                                  from agents limit 1`),
      ).rejects.toThrow();
    } finally {
      await cleanup();
    }
  });
});

describe("agentry doctor on an embedded folder", () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it("reports, repairs, and then passes", async () => {
    const home = await mkdtemp(join(tmpdir(), "agentry-doctor-"));
    homes.push(home);
    const dataDir = join(home, "catalog");
    const config = {
      driver: "pglite",
      url: null,
      dataDir,
      neon: { wsProxy: null, httpEndpoint: null, insecure: false },
    } as const;
    const database = await openDatabase(config);
    await database.migrate();
    await loadExamplesIfEmpty(database);
    await damage(database);
    await database.close();

    const env = { AGENTRY_DATA_DIR: dataDir, DATABASE_URL: "" };
    const report = await agentry(env, "doctor");
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(
      /^error: duplicate-agents: 5 agents stored more than once .*: acme-platform\//m,
    );
    expect(report.stdout).toContain("error: dangling-edges: 2 ");
    expect(report.stdout).toContain("agentry doctor --repair");
    const repaired = await agentry(env, "doctor", "--repair");
    expect(repaired.stdout).toContain("agentry doctor: repaired; the catalog is consistent");
    expect(repaired.code).toBe(0);
    const again = await agentry(env, "doctor", "--json");
    expect(JSON.parse(again.stdout)).toEqual({ findings: [] });
    expect(again.code).toBe(0);
  });

  it("says precisely that a folder PGlite cannot open is damaged", async () => {
    const home = await mkdtemp(join(tmpdir(), "agentry-doctor-"));
    homes.push(home);
    const { writeFile, mkdir } = await import("node:fs/promises");
    await mkdir(join(home, "catalog"));
    // A data folder whose control file is garbage: PostgreSQL refuses to start on it.
    await writeFile(join(home, "catalog", "PG_VERSION"), "18\n");
    await mkdir(join(home, "catalog", "global"));
    await writeFile(join(home, "catalog", "global", "pg_control"), Buffer.alloc(8192, 7));
    const r = await agentry({ AGENTRY_DATA_DIR: join(home, "catalog"), DATABASE_URL: "" }, "doctor");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the embedded catalog in ${join(home, "catalog")} cannot be opened`);
    expect(r.stderr).toContain("move");
    expect(r.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
