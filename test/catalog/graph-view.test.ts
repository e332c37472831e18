// agentGraph and collaborationPath as a graph view reads them: private sources (issue 16) and
// the data a view draws (issue 17 point 1): hidden neighbours per node, the open ends (names no
// agent has, groups) and the edges to them, all in the graph's one statement.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { agentGraph, collaborationPath, type GraphDirection } from "../../src/catalog/reads/graph.js";
import { EVERY_SOURCE, type SourceView } from "../../src/catalog/reads/visibility.js";
import { hubFiles, secretFiles } from "../fixtures/graph-view/catalog.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

const PUBLIC_ONLY: SourceView = { all: false, public: true, names: [] };
const NOTHING: SourceView = { all: false, public: false, names: [] };
const SECRET: SourceView = { all: false, public: false, names: ["secret"] };

describe.each(await engineCases())("graph views on $driver", ({ open }) => {
  let t: TestDatabase;
  let db: Database;
  const id: Record<string, number> = {};
  const ref = (agentId: number | null) => Object.entries(id).find(([, v]) => v === agentId)?.[0] ?? null;

  async function counted<T>(read: () => Promise<T>): Promise<[T, number]> {
    const before = db.statements;
    const result = await read();
    return [result, db.statements - before];
  }

  beforeAll(async () => {
    t = await open();
    db = t.database;
    expect((await importFiles(db, hubFiles, { source: "hub" })).failed).toEqual([]);
    expect((await importFiles(db, secretFiles, { source: "secret" })).failed).toEqual([]);
    await db.db.execute(sql`update sources set visibility = 'private' where name = 'secret'`);
    const rows = rowsOf<{ id: number | string; ref: string }>(
      await db.db.execute(
        sql`select a.id, s.name || '/' || a.name as ref from agents a join sources s on s.id = a.source_id`,
      ),
    );
    for (const r of rows) id[r.ref] = Number(r.id);
  });

  afterAll(async () => {
    await t?.cleanup();
  });

  const graph = (view: SourceView, root: string, depth: number, direction: GraphDirection = "both") =>
    agentGraph(db.db, view, { rootIds: [id[root]!], depth, direction, nodeBudget: 100 });

  describe("private sources", () => {
    it("finds no root in a source the view does not show, and walks none of its agents", async () => {
      const shown = await graph(SECRET, "secret/vault-keeper", 2);
      expect(shown.nodeIds.map(ref)).toEqual(["secret/vault-keeper", "secret/vault-auditor"]);
      expect(shown.edges).toHaveLength(1);
      for (const view of [PUBLIC_ONLY, NOTHING]) {
        const [hidden, statements] = await counted(() => graph(view, "secret/vault-keeper", 2));
        expect(statements).toBe(1);
        expect(hidden.nodeIds).toEqual([]);
        expect(hidden.edges).toEqual([]);
      }
      // A public source under a view of nothing: no root either.
      expect((await graph(NOTHING, "hub/hub-lead", 1)).nodeIds).toEqual([]);
      expect((await graph(PUBLIC_ONLY, "hub/hub-lead", 1)).nodeIds.length).toBeGreaterThan(1);
    });

    it("finds no path to or from an agent the view does not show", async () => {
      const keeper = id["secret/vault-keeper"]!;
      const auditor = id["secret/vault-auditor"]!;
      expect((await collaborationPath(db.db, SECRET, keeper, auditor, { maxDepth: 3 }))?.agentIds).toEqual([
        keeper,
        auditor,
      ]);
      expect(await collaborationPath(db.db, PUBLIC_ONLY, keeper, auditor, { maxDepth: 3 })).toBeNull();
      expect(await collaborationPath(db.db, NOTHING, keeper, keeper, { maxDepth: 3 })).toBeNull();
      const lead = id["hub/hub-lead"]!;
      expect(await collaborationPath(db.db, SECRET, lead, lead, { maxDepth: 3 })).toBeNull();
      expect(await collaborationPath(db.db, EVERY_SOURCE, lead, lead, { maxDepth: 3 })).not.toBeNull();
    });
  });
});
