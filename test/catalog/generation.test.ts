// The catalog generation that cache keys include: a token that changes with every write and
// differs between catalogs (a database rebuilt under a kept Redis), read in batches: requests
// that ask in the same turn of the event loop share one statement, and a request that asks
// after a write returned sees that write, even while an earlier read is still in flight.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { batchedCatalogGeneration } from "../../src/catalog/reads/generation.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const file = (body: string) => ({
  path: "agents/a.md",
  text: `---\nname: alpha\ndescription: Does things.\n---\n${body}\n`,
});

describe.each(await driverCases())("batched catalog generation on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    t = await open();
    db = t.database;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("answers the requests of one turn with one statement", async () => {
    await importFiles(db, [file("v1")], { source: "s" });
    const before = db.statements;
    const all = await Promise.all(Array.from({ length: 20 }, () => batchedCatalogGeneration(db.db)));
    expect(db.statements - before).toBe(1);
    expect(new Set(all).size).toBe(1);
  });

  it("never gives a request that starts after a write the generation before it", async () => {
    await importFiles(db, [file("v1")], { source: "s" });
    const v1 = await batchedCatalogGeneration(db.db);
    const early = batchedCatalogGeneration(db.db);
    await importFiles(db, [file("v2")], { source: "s" });
    // Asked after the write returned: a new statement, whatever `early` is doing.
    const late = await batchedCatalogGeneration(db.db);
    expect(late).not.toBe(v1);
    expect([v1, late]).toContain(await early);
  });

  it("keeps the token when nothing changed, and gives another catalog another one", async () => {
    await importFiles(db, [file("v1")], { source: "s" });
    const first = await batchedCatalogGeneration(db.db);
    await importFiles(db, [file("v1")], { source: "s" });
    expect(await batchedCatalogGeneration(db.db)).toBe(first);
    // The same files into a new database (a catalog rebuilt while Redis kept its graphs).
    const rebuilt = await open();
    try {
      await importFiles(rebuilt.database, [file("v1")], { source: "s" });
      expect(await batchedCatalogGeneration(rebuilt.database.db)).not.toBe(first);
    } finally {
      await rebuilt.cleanup();
    }
  });
});
