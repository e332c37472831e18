// The whole public corpus through every driver: counts, idempotence, byte-identical export.
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import { exportSource } from "../../src/catalog/export.js";
import { type ImportFile, importFiles } from "../../src/catalog/import.js";
import { findDefinitionFiles } from "../../src/cli/files.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { CORPUS_DIR, requireShared } from "../support/shared.js";

const present = requireShared(CORPUS_DIR);
const files: ImportFile[] = present
  ? (await findDefinitionFiles([CORPUS_DIR])).map((f) => ({
      path: f.relativePath,
      kind: f.kind,
      text: readFileSync(f.path, "utf8"),
    }))
  : [];

describe.runIf(present).each(await driverCases())("corpus import on $driver", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open({ recordStatements: true });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  let generation = 0;
  it("imports every file", async () => {
    const first = t.database.log.length;
    const report = await importFiles(t.database, files, { source: "wshobson" });
    // A first import replaces and retires nothing: no file of it was stored before, so no
    // statement deletes child rows or soft-deletes a renamed entity (30 of 233 statements did).
    const written = t.database.log.slice(first).map((q) => q.replace(/\s+/g, " ").trim());
    expect(written.filter((q) => /^delete from|set deleted_at = now\(\)/.test(q))).toEqual([]);
    expect(written.length).toBeLessThan(220);
    generation = report.generation;
    // One generation step per committed batch.
    expect(generation).toBeGreaterThanOrEqual(1);
    expect(report.failed).toEqual([]);
    expect(report.created).toHaveLength(files.length);
    const [counts] = rowsOf<Record<string, number>>(
      await t.database.db.execute(sql`
        select (select count(*)::int from agents) as agents, (select count(*)::int from skills) as skills,
               (select count(*)::int from commands) as commands, (select count(*)::int from plugins) as plugins,
               (select count(*)::int from files) as files, (select count(*)::int from revisions) as revisions,
               (select count(distinct namespace)::int from agents) as namespaces`),
    );
    expect(counts).toEqual({
      agents: 202,
      skills: 181,
      commands: 105,
      plugins: files.filter((f) => f.kind === "plugin").length,
      files: files.length,
      revisions: files.length,
      namespaces: expect.any(Number),
    });
    expect(counts!.namespaces).toBeGreaterThan(50);
    // Agents are named with their plugin's prefix, but bodies mention the bare file stem:
    // those mentions resolve to agents of the same source.
    const [mentions] = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from collaborations where kind = 'mention' and to_agent_id is not null`,
      ),
    );
    expect(mentions!.n).toBeGreaterThan(0);
  });

  it("re-imports without writing anything", async () => {
    const before = t.database.statements;
    const report = await importFiles(t.database, files, { source: "wshobson" });
    expect(report.unchanged).toHaveLength(files.length);
    expect(report.generation).toBe(generation);
    expect(t.database.statements - before).toBe(1);
  });

  it("exports every file byte for byte", async () => {
    const out = await exportSource(t.database.db, "wshobson");
    const byPath = new Map(out.map((f) => [f.path, f.content]));
    expect(out).toHaveLength(files.length);
    const different = files.filter((f) => byPath.get(f.path) !== f.text).map((f) => f.path);
    expect(different).toEqual([]);
  });
});
