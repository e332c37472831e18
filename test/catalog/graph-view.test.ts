// agentGraph and collaborationPath as a graph view reads them: private sources (issue 16) and
// the data a view draws (issue 17 point 1): hidden neighbours per node, the open ends (names no
// agent has, groups) and the edges to them, all in the graph's one statement.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import {
  type AgentGraph,
  type AgentGraphArgs,
  agentGraph,
  collaborationPath,
  type GraphDirection,
  openEndIdentity,
  openEndsOf,
} from "../../src/catalog/reads/graph.js";
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

  describe("hidden neighbours", () => {
    const hidden = async (
      view: SourceView,
      root: string,
      depth: number,
      more: Partial<AgentGraphArgs> = {},
    ) => {
      const [g, statements] = await counted(() =>
        agentGraph(db.db, view, { rootIds: [id[root]!], depth, nodeBudget: 100, ...more }),
      );
      expect(statements).toBe(1);
      return Object.fromEntries(g.nodeIds.map((n, i) => [ref(n), g.hiddenNeighbours[i]]));
    };

    it("counts the distinct agents one step away that the graph leaves out, per node", async () => {
      // hub-lead: alpha-dev (a handoff each way and a mention), beta-dev (two handoffs), gamma-dev
      // and delta-dev (a peer); the groups and ghost-writer are not agents.
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 0)).toEqual({ "hub/hub-lead": 4 });
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 1)).toEqual({
        "hub/hub-lead": 0,
        "hub/alpha-dev": 2,
        "hub/beta-dev": 0,
        "hub/gamma-dev": 1,
        "hub/delta-dev": 0,
      });
      const all = await hidden(EVERY_SOURCE, "hub/hub-lead", 2);
      expect(Object.keys(all)).toHaveLength(7);
      expect(Object.values(all).every((n) => n === 0)).toBe(true);
      // zeta-dev is next to alpha-dev and gamma-dev: counted once by each.
      expect(await hidden(EVERY_SOURCE, "hub/zeta-dev", 0)).toEqual({ "hub/zeta-dev": 2 });
      expect(await hidden(EVERY_SOURCE, "hub/zeta-dev", 1)).toEqual({
        "hub/zeta-dev": 0,
        "hub/alpha-dev": 2,
        "hub/gamma-dev": 1,
      });
    });

    it("follows the kinds and direction asked, and the node budget", async () => {
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 0, { direction: "out" })).toEqual({
        "hub/hub-lead": 4,
      });
      // In: alpha-dev's handoff and mention, and the peer delta-dev.
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 0, { direction: "in" })).toEqual({
        "hub/hub-lead": 2,
      });
      expect(await hidden(EVERY_SOURCE, "hub/alpha-dev", 0, { direction: "in", kinds: ["handoff"] })).toEqual(
        {
          "hub/alpha-dev": 1,
        },
      );
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 0, { kinds: ["peer"] })).toEqual({
        "hub/hub-lead": 1,
      });
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 0, { kinds: ["mention"] })).toEqual({
        "hub/hub-lead": 1,
      });
      // The budget keeps the nearest by id: alpha-dev and beta-dev; gamma-dev and delta-dev are left out.
      expect(await hidden(EVERY_SOURCE, "hub/hub-lead", 1, { nodeBudget: 3 })).toEqual({
        "hub/hub-lead": 2,
        "hub/alpha-dev": 2,
        "hub/beta-dev": 0,
      });
    });

    it("counts nothing when not asked to, and keeps the rest of the graph", async () => {
      const args = { rootIds: [id["hub/hub-lead"]!], depth: 1, nodeBudget: 100 };
      const counted = await agentGraph(db.db, EVERY_SOURCE, args);
      const plain = await agentGraph(db.db, EVERY_SOURCE, { ...args, hiddenNeighbours: false });
      expect(plain.hiddenNeighbours).toEqual([0, 0, 0, 0, 0]);
      expect({ ...plain, hiddenNeighbours: [] }).toEqual({ ...counted, hiddenNeighbours: [] });
    });

    it("counts only what the view shows", async () => {
      expect(await hidden(PUBLIC_ONLY, "hub/hub-lead", 1)).toEqual(
        await hidden(EVERY_SOURCE, "hub/hub-lead", 1),
      );
      expect(await hidden(SECRET, "secret/vault-keeper", 0)).toEqual({ "secret/vault-keeper": 1 });
      // Agents are never adjacent across sources, so a hidden source's agents could only be
      // counted from its own roots, which a view that does not show it does not find.
      expect(await hidden(PUBLIC_ONLY, "secret/vault-keeper", 0)).toEqual({});
      expect(await hidden(NOTHING, "secret/vault-keeper", 0)).toEqual({});
      expect(await hidden(NOTHING, "hub/hub-lead", 1)).toEqual({});
    });
  });

  describe("open ends", () => {
    const ends = (g: AgentGraph) => g.openEnds.map((e) => [e.kind, e.name, e.key, e.source]);
    const openEdges = (g: AgentGraph) =>
      g.openEdges.map((o) => [
        o.edge.kind,
        ref(o.edge.fromAgentId) ?? o.edge.fromName,
        ref(o.edge.toAgentId) ?? o.edge.toName,
        o.side,
      ]);

    it("lists the names no agent has and the groups the graph's agents state edges to, each once", async () => {
      const g = await graph(EVERY_SOURCE, "hub/hub-lead", 1);
      expect(ends(g)).toEqual([
        ["group", "All Agents", "All Agents", "hub"],
        ["group", "Product Team", "Product Team", "hub"],
        ["unresolved", "ghost-writer", "ghost-writer", "hub"],
      ]);
      expect(g.openEnds.every((e) => e.candidates.length === 0)).toBe(true);
      expect(openEdges(g)).toEqual([
        ["handoff", "hub/hub-lead", "ghost-writer", "to"],
        ["peer", "hub/hub-lead", "all-agents", "to"],
        ["handoff", "product-team", "hub/hub-lead", "from"],
        ["handoff", "hub/alpha-dev", "ghost-writer", "to"],
      ]);
      // The same end in another graph, stated by another agent: the same identity.
      const alpha = await graph(EVERY_SOURCE, "hub/alpha-dev", 0);
      expect(ends(alpha)).toEqual([["unresolved", "ghost-writer", "ghost-writer", "hub"]]);
      expect(openEndIdentity(alpha.openEnds[0]!)).toBe(openEndIdentity(g.openEnds[2]!));
      // Edges are returned as among nodes only.
      expect(g.edges.every((e) => e.fromAgentId !== null && e.toAgentId !== null)).toBe(true);
    });

    it("follows the direction and kinds asked; mentions have no open ends", async () => {
      const out = await graph(EVERY_SOURCE, "hub/hub-lead", 0, "out");
      expect(ends(out).map((e) => e[1])).toEqual(["All Agents", "ghost-writer"]);
      const inwards = await graph(EVERY_SOURCE, "hub/hub-lead", 0, "in");
      expect(ends(inwards).map((e) => e[1])).toEqual(["All Agents", "Product Team"]);
      const peers = await agentGraph(db.db, EVERY_SOURCE, {
        rootIds: [id["hub/hub-lead"]!],
        depth: 0,
        kinds: ["peer"],
        nodeBudget: 10,
      });
      expect(ends(peers).map((e) => e[1])).toEqual(["All Agents"]);
      const mentions = await agentGraph(db.db, EVERY_SOURCE, {
        rootIds: [id["hub/alpha-dev"]!],
        depth: 1,
        kinds: ["mention"],
        nodeBudget: 10,
      });
      expect([mentions.nodeIds.length, mentions.openEnds, mentions.openEdges]).toEqual([2, [], []]);
    });

    it("names an edge's open ends by edge id as the graph does, in one statement", async () => {
      const g = await graph(EVERY_SOURCE, "hub/hub-lead", 1);
      const ids = [...g.openEdges.map((o) => o.edge.id), g.edges[0]!.id, 0];
      const [keys, statements] = await counted(() => openEndsOf(db.db, EVERY_SOURCE, ids));
      expect(statements).toBe(1);
      g.openEdges.forEach((o, i) => {
        expect(keys[i]![o.side]).toEqual(o.end);
        expect(keys[i]![o.side === "from" ? "to" : "from"]).toBeNull();
      });
      expect(keys.slice(-2)).toEqual([{ from: null, to: null }, null]);
      expect(await openEndsOf(db.db, NOTHING, ids)).toEqual(ids.map(() => null));
    });
  });
});
