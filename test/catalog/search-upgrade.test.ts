// Upgrading a catalog whose search vectors were computed the old way (names with their hyphens
// turned into spaces, before migration 0003): the migration recomputes every vector, fills
// the ones an import left out, and changes nothing else a user stored.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { listAgents } from "../../src/catalog/reads/index.js";
import { EVERY_SOURCE } from "../../src/catalog/reads/visibility.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const DRIZZLE = resolve(import.meta.dirname, "../../drizzle");
const TAG = "0003_search_names_as_written";
const journal = JSON.parse(readFileSync(resolve(DRIZZLE, "meta/_journal.json"), "utf8")) as {
  entries: { tag: string; when: number }[];
};
const migration = readFileSync(resolve(DRIZZLE, `${TAG}.sql`), "utf8").split("--> statement-breakpoint");

// What the code wrote before migration 0003 (src/catalog/search-index.ts at that time).
const OLD_VECTOR = `setweight(to_tsvector('english', replace(coalesce(a.name, ''), '-', ' ')), 'A')
  || setweight(to_tsvector('english', coalesce(a.description, '')), 'B')
  || setweight(to_tsvector('english', left(coalesce(a.body, ''), 100000)), 'C')`;

const agent = (name: string, body: string) => `---\nname: ${name}\ndescription: At work.\n---\n\n${body}\n`;
const FILES = [
  { path: "agents/release-captain.md", text: agent("release-captain", "Ships versions.") },
  { path: "agents/on-call-lead.md", text: agent("on-call-lead", "Pages people at night.") },
  { path: "agents/gone.md", text: agent("gone-agent", "Soon pruned.") },
];

async function rows<T>(db: Database, text: string): Promise<T[]> {
  return rowsOf<T>(await db.db.execute(sql.raw(text)));
}

/** Everything a user stored, as text: files, revisions, agents (but the vectors). */
const STORED = `select
  (select string_agg(path || ':' || coalesce(deleted_at::text, ''), ',' order by id) from files) as files,
  (select string_agg(md5(content) || ':' || number, ',' order by id) from revisions) as revisions,
  (select string_agg(name || ':' || revision_id || ':' || coalesce(deleted_at::text, ''), ',' order by id) from agents) as agents`;
const VECTORS = "select agent_id, revision_id, search::text as search from agent_search order by agent_id";

describe.each(await driverCases())("migration 0003 on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    t = await open();
    db = t.database;
    await importFiles(db, FILES, { source: "s" });
    await importFiles(db, FILES.slice(0, 2), { source: "s", prune: true });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("is in the journal and was applied by migrate", async () => {
    const entry = journal.entries.find((e) => e.tag === TAG);
    expect(entry).toBeDefined();
    const applied = await rows<{ n: number }>(
      db,
      `select count(*)::int as n from drizzle.__drizzle_migrations where created_at = ${entry!.when}`,
    );
    expect(applied).toEqual([{ n: 1 }]);
  });

  it("recomputes old vectors and fills missing ones, touching nothing else", async () => {
    const current = await rows(db, VECTORS);
    const stored = await rows(db, STORED);
    // The catalog as the old code left it: every vector the old way, one never written.
    await rows(db, `update agent_search x set search = ${OLD_VECTOR} from agents a where a.id = x.agent_id`);
    await rows(
      db,
      "delete from agent_search where agent_id = (select id from agents where name = 'on-call-lead')",
    );
    expect(await rows(db, VECTORS)).not.toEqual(current);
    const byVector = async () =>
      (
        await listAgents(db.db, EVERY_SOURCE, { filter: { text: "release-captain or zeppelin" }, first: 10 })
      ).nodes.map((n) => n.name);
    expect(await byVector()).toEqual([]);

    for (const statement of migration) await rows(db, statement);

    expect(await rows(db, VECTORS)).toEqual(current);
    expect(await rows(db, STORED)).toEqual(stored);
    expect(await byVector()).toEqual(["release-captain"]);
  });
});
