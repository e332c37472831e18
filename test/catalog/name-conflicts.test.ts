// Name conflicts stored (issue 14 point 3, decision 0018), on every driver: two files of one
// source declaring one name are both stored and exported byte for byte, both listed under the
// report's `conflicts` with the `name-conflict` error, an unchanged re-import writes nothing;
// the file whose path sorts first in byte order answers the name (agent(ref), references by
// name, skills and commands), whatever order the files were imported in; GraphQL shows the
// conflicts; the doctor leaves them alone.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { diagnoseCatalog, repairCatalog } from "../../src/catalog/doctor.js";
import { exportSource } from "../../src/catalog/export.js";
import { type ImportFile, importFiles } from "../../src/catalog/import.js";
import { getAgentByRef, getAgentsByRefs } from "../../src/catalog/reads/index.js";
import { EVERY_SOURCE } from "../../src/catalog/reads/visibility.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { gql, testApp } from "../support/app.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/name-conflicts");
const files: ImportFile[] = (await findDefinitionFiles([FIXTURES])).map((f) => ({
  path: f.relativePath,
  kind: f.kind,
  text: readFileSync(f.path, "utf8"),
}));
const text = (path: string) => files.find((f) => f.path === path)!;

/** Every file of a conflict, in byte order (`-` < `.` < `/`, upper case before lower case). */
const CONFLICTED = [
  "agents/Lantern.md",
  "agents/harbor-pilot-copy.md",
  "agents/harbor-pilot.md",
  "agents/lamp-lighter.md",
  "commands/harbor/moor.md",
  "commands/moor.md",
  "skills/knots-v2/SKILL.md",
  "skills/knots/SKILL.md",
];

async function query<T>(db: Database, statement: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.db.execute(statement));
}

/** Which file each name means, as every lookup by name answers it. */
async function answers(db: Database, source: string) {
  const [pilot, lamp] = await getAgentsByRefs(db.db, EVERY_SOURCE, [
    `${source}/harbor-pilot`,
    `${source}/lamp-lighter`,
  ]);
  const [edge] = await query<{ path: string }>(
    db,
    sql`select f.path from collaborations c join agents a on a.id = c.agent_id
          join agents t on t.id = c.to_agent_id join files f on f.id = t.file_id
         where a.name = 'dock-master' and c.to_name = 'harbor-pilot' and a.deleted_at is null
           and a.source_id = (select id from sources where name = ${source})`,
  );
  const [skill] = await query<{ path: string | null }>(
    db,
    sql`select f.path from agent_skills s join agents a on a.id = s.agent_id
          left join skills k on k.id = s.skill_id left join files f on f.id = k.file_id
         where a.name = 'dock-master' and a.deleted_at is null and s.name = 'knots'
           and a.source_id = (select id from sources where name = ${source})`,
  );
  const [command] = await query<{ path: string | null }>(
    db,
    sql`select f.path from agent_commands m join agents a on a.id = m.agent_id
          left join commands k on k.id = m.command_id left join files f on f.id = k.file_id
         where a.name = 'dock-master' and a.deleted_at is null
           and a.source_id = (select id from sources where name = ${source})`,
  );
  return {
    pilot: pilot?.path,
    lamp: lamp?.path,
    edge: edge?.path,
    skill: skill?.path,
    command: command?.path,
  };
}

const FIRST = {
  pilot: "agents/harbor-pilot-copy.md",
  lamp: "agents/Lantern.md",
  edge: "agents/harbor-pilot-copy.md",
  skill: "skills/knots-v2/SKILL.md",
  command: "commands/harbor/moor.md",
};

describe.each(await engineCases())("name conflicts on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    t = await open();
    db = t.database;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("stores every file of a conflict, reports each under conflicts, and re-imports unchanged", async () => {
    const report = await importFiles(db, files, { source: "port" });
    expect(report.failed).toEqual([]);
    expect(report.created).toHaveLength(files.length);
    expect(report.conflicts.map((c) => c.path)).toEqual(CONFLICTED);
    for (const c of report.conflicts) {
      expect(c.diagnostics).toEqual([
        expect.objectContaining({ severity: "error", code: "name-conflict", line: 1, column: 1 }),
      ]);
    }
    expect(report.conflicts[1]!.diagnostics[0]!.message).toBe(
      'agent name "harbor-pilot" is also declared by agents/harbor-pilot.md: names must be unique in a source',
    );
    const [counts] = await query<{ agents: number; skills: number; commands: number }>(
      db,
      sql`select (select count(*)::int from agents where deleted_at is null) as agents,
                 (select count(*)::int from skills where deleted_at is null) as skills,
                 (select count(*)::int from commands where deleted_at is null) as commands`,
    );
    expect(counts).toEqual({ agents: 5, skills: 2, commands: 2 });
    // Byte for byte, every one of them.
    const exported = await exportSource(db.db, "port");
    expect(exported.map((f) => f.path)).toEqual(
      files.map((f) => f.path).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    for (const f of exported) expect(f.content).toBe(text(f.path).text);

    // Unchanged: nothing failed, the same conflicts said again, in two statements: the stored
    // state (which counts names declared twice) and, because it counted some, the groups.
    // A source without conflicts takes one (import.test.ts).
    const before = db.statements;
    const again = await importFiles(db, files, { source: "port" });
    expect(db.statements - before).toBe(2);
    expect(again.unchanged).toHaveLength(files.length);
    expect([again.created, again.updated, again.failed]).toEqual([[], [], []]);
    expect(again.conflicts).toEqual(report.conflicts);
    expect(again.generation).toBe(report.generation);
  });

  it("reports a conflict with a stored file the import did not include, and keeps it while the new version fails", async () => {
    const copy = "agents/harbor-pilot-copy.md";
    const first = await importFiles(
      db,
      files.filter((f) => f.path !== copy),
      { source: "port" },
    );
    expect(first.conflicts.map((c) => c.path)).not.toContain("agents/harbor-pilot.md");
    // Only the copy: its group holds a stored file this import never saw.
    const added = await importFiles(db, [text(copy)], { source: "port" });
    expect(added.created).toEqual([copy]);
    expect(added.conflicts.map((c) => c.path)).toEqual([copy, "agents/harbor-pilot.md"]);
    expect(added.conflicts[0]!.diagnostics[0]!.message).toBe(
      'agent name "harbor-pilot" is also declared by agents/harbor-pilot.md: names must be unique in a source',
    );
    // The copy's new version fails to read: its stored version, and so its name, stays.
    const broken = await importFiles(db, [{ path: copy, text: "" }], {
      source: "port",
    });
    expect(broken.failed.map((f) => f.path)).toEqual([copy]);
    expect(broken.conflicts.map((c) => c.path)).toEqual([copy, "agents/harbor-pilot.md"]);
    // Unchanged, the stored file alone in the import: the group is still said.
    const again = await importFiles(db, [text("agents/harbor-pilot.md")], { source: "port" });
    expect(again.unchanged).toEqual(["agents/harbor-pilot.md"]);
    expect(again.conflicts).toEqual(added.conflicts);
  });

  it("answers each name with the file whose path sorts first, whatever the import order", async () => {
    const reversed = [...files].reverse();
    await importFiles(db, files, { source: "forward" });
    await importFiles(db, reversed, { source: "backward" });
    // One file at a time, in both orders, so that the later file is the one that sorts first.
    for (const f of files) await importFiles(db, [f], { source: "one-by-one" });
    for (const f of reversed) await importFiles(db, [f], { source: "one-by-one-back" });
    // Batches of one: each batch meets names an earlier batch stored.
    await importFiles(db, reversed, { source: "batched", batchSize: 1 });
    for (const source of ["forward", "backward", "one-by-one", "one-by-one-back", "batched"])
      expect({ source, ...(await answers(db, source)) }).toEqual({ source, ...FIRST });
    expect((await getAgentByRef(db.db, EVERY_SOURCE, "backward/harbor-pilot"))!.description).toBe(
      "Guides ships through the harbor entrance (an older copy).",
    );
    // The conflicts an import reports are the source's, also when the other file was there before.
    const late = await importFiles(db, [text("agents/harbor-pilot.md")], { source: "late" });
    expect(late.conflicts).toEqual([]);
    const later = await importFiles(db, [text("agents/harbor-pilot-copy.md")], { source: "late" });
    expect(later.conflicts.map((c) => c.path)).toEqual([
      "agents/harbor-pilot-copy.md",
      "agents/harbor-pilot.md",
    ]);
  });

  it("lets the next file answer when the first is pruned or renamed, and resolves references again", async () => {
    await importFiles(db, files, { source: "port" });
    const rest = files.filter(
      (f) => f.path !== "agents/harbor-pilot-copy.md" && f.path !== "skills/knots-v2/SKILL.md",
    );
    const pruned = await importFiles(db, rest, { source: "port", prune: true });
    expect(pruned.deleted).toEqual(["agents/harbor-pilot-copy.md", "skills/knots-v2/SKILL.md"]);
    expect(pruned.conflicts.map((c) => c.path)).toEqual([
      "agents/Lantern.md",
      "agents/lamp-lighter.md",
      "commands/harbor/moor.md",
      "commands/moor.md",
    ]);
    expect(await answers(db, "port")).toEqual({
      ...FIRST,
      pilot: "agents/harbor-pilot.md",
      edge: "agents/harbor-pilot.md",
      skill: "skills/knots/SKILL.md",
    });
    // Lantern.md renamed to a name of its own: lamp-lighter.md is the only one left.
    const renamed = await importFiles(
      db,
      [
        {
          path: "agents/Lantern.md",
          text: text("agents/Lantern.md").text.replace("lamp-lighter", "lantern"),
        },
      ],
      { source: "port" },
    );
    expect(renamed.updated).toEqual(["agents/Lantern.md"]);
    expect(renamed.conflicts).toEqual([]);
    expect((await getAgentByRef(db.db, EVERY_SOURCE, "port/lamp-lighter"))!.path).toBe(
      "agents/lamp-lighter.md",
    );
    expect((await getAgentByRef(db.db, EVERY_SOURCE, "port/lantern"))!.path).toBe("agents/Lantern.md");
  });

  it("shows the conflicts through GraphQL: Agent.conflicts, nameConflicts, agent(ref)", async () => {
    await importFiles(db, [...files].reverse(), { source: "port" });
    await importFiles(db, [text("agents/dock-master.md")], { source: "other" });
    const app = testApp(db);
    const r = await gql<any>(
      app,
      `{ pilot: agent(ref: "port/harbor-pilot") { ... on Agent { path conflicts { path ref } } }
         dock: agent(ref: "port/dock-master") { ... on Agent { conflicts { path } } }
         all: nameConflicts(first: 10) { totalCount edges { cursor } nodes { kind namespace name paths answeredBy source { name } agents { path } } }
         other: nameConflicts(source: "other") { totalCount nodes { name } }
         page: nameConflicts(source: "port", first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    const data = r.body.data;
    expect(data.pilot).toEqual({
      path: "agents/harbor-pilot-copy.md",
      conflicts: [{ path: "agents/harbor-pilot.md", ref: "port/harbor-pilot" }],
    });
    expect(data.dock.conflicts).toEqual([]);
    expect(data.all.totalCount).toBe(4);
    expect(data.all.nodes).toEqual([
      {
        kind: "AGENT",
        namespace: "",
        name: "harbor-pilot",
        paths: ["agents/harbor-pilot-copy.md", "agents/harbor-pilot.md"],
        answeredBy: "agents/harbor-pilot-copy.md",
        source: { name: "port" },
        agents: [{ path: "agents/harbor-pilot-copy.md" }, { path: "agents/harbor-pilot.md" }],
      },
      {
        kind: "AGENT",
        namespace: "",
        name: "lamp-lighter",
        paths: ["agents/Lantern.md", "agents/lamp-lighter.md"],
        answeredBy: "agents/Lantern.md",
        source: { name: "port" },
        agents: [{ path: "agents/Lantern.md" }, { path: "agents/lamp-lighter.md" }],
      },
      {
        kind: "COMMAND",
        namespace: "",
        name: "moor",
        paths: ["commands/harbor/moor.md", "commands/moor.md"],
        answeredBy: "commands/harbor/moor.md",
        source: { name: "port" },
        agents: [],
      },
      {
        kind: "SKILL",
        namespace: "",
        name: "knots",
        paths: ["skills/knots-v2/SKILL.md", "skills/knots/SKILL.md"],
        answeredBy: "skills/knots-v2/SKILL.md",
        source: { name: "port" },
        agents: [],
      },
    ]);
    expect(data.other).toEqual({ totalCount: 0, nodes: [] });
    expect(data.page.totalCount).toBe(4);
    expect(data.page.nodes.map((n: { name: string }) => n.name)).toEqual(["harbor-pilot", "lamp-lighter"]);
    expect(data.page.pageInfo.hasNextPage).toBe(true);
    // The next page starts after the cursor, and the last one says there is no more.
    const next = await gql<any>(
      app,
      `query ($after: String) { nameConflicts(source: "port", first: 2, after: $after) { pageInfo { hasNextPage } nodes { name } } }`,
      { after: data.page.pageInfo.endCursor },
    );
    expect(next.body.data.nameConflicts).toEqual({
      pageInfo: { hasNextPage: false },
      nodes: [{ name: "moor" }, { name: "knots" }],
    });
    const forged = await gql<any>(app, `{ nameConflicts(after: "bm9wZQ") { totalCount } }`);
    expect(JSON.stringify(forged.body)).toContain("after");
  });

  it("is left alone by the doctor, which finds nothing to repair in it", async () => {
    await importFiles(db, files, { source: "port" });
    expect(await diagnoseCatalog(db)).toEqual([]);
    const ids = await query<{ id: number; path: string }>(
      db,
      sql`select a.id::int as id, f.path from agents a join files f on f.id = a.file_id
           where a.deleted_at is null order by a.id`,
    );
    // Something the doctor does repair (a lost search row), so that the repair runs in full.
    await db.db.execute(sql`delete from agent_search where agent_id = (select min(id) from agents)`);
    const { before, after } = await repairCatalog(db);
    expect(before.map((f) => f.check)).toEqual(["search-rows"]);
    expect(after).toEqual([]);
    expect(
      await query<{ id: number; path: string }>(
        db,
        sql`select a.id::int as id, f.path from agents a join files f on f.id = a.file_id
             where a.deleted_at is null order by a.id`,
      ),
    ).toEqual(ids);
    expect(await answers(db, "port")).toEqual(FIRST);
  });
});
