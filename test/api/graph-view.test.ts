// agentGraph as a graph view reads it (issue 17 point 1): node ids, hidden-neighbour counts,
// open ends with stable ids, links merged or not, and what they cost in SQL statements, with
// and without the graph cache.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCatalog } from "../../bench/synthetic.js";
import { GraphCache, MemoryStore } from "../../src/cache/index.js";
import { importFiles } from "../../src/catalog/import.js";
import { type App, createApp } from "../../src/server/app.js";
import { hubFiles } from "../fixtures/graph-view/catalog.js";
import { captureLogger, gql, testApp } from "../support/app.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

const END = "{ __typename ... on Agent { id ref } ... on UnresolvedAgent { id name } }";

/** Every field a graph view reads, the new ones included. */
const VIEW = `query ($roots: [String!]!, $depth: Int, $kinds: [CollaborationKind!], $direction: AgentGraphDirection) {
  agentGraph(roots: $roots, depth: $depth, kinds: $kinds, direction: $direction) { __typename ... on AgentGraph {
    truncated nodeBudget
    nodes { id depth hiddenNeighbours agent { id ref } }
    edges { id kind directed }
    openEnds { id kind name candidates }
    links { id from to kinds count directed collaborations { id kind directed from ${END} to ${END} } }
    merged: links(merge: true) { id from to kinds count directed collaborations { id kind directed statedBy { ref } from ${END} to ${END} } }
  } }
}`;

/**
 * The view's own fields: a graph cache hit answers them from the cached value. With a second
 * root field (`node` of an id that names nothing, which reads nothing), so that the document is
 * not one the whole-response cache answers (src/server/response-cache.ts): the graph cache's
 * own values answer it.
 */
const viewOnly = (
  extra: string,
  ends: string,
) => `query ($roots: [String!]!, $depth: Int) { none: node(id: "") { id } agentGraph(roots: $roots, depth: $depth) { ... on AgentGraph {
  ${extra} truncated nodes { id depth hiddenNeighbours } openEnds { id kind name candidates }
  links { id from to kinds count directed collaborations { id kind directed ${ends} } }
  merged: links(merge: true) { id from to kinds count directed }
} } }`;
const UNRESOLVED_ENDS = "to { ... on UnresolvedAgent { id } } from { ... on UnresolvedAgent { id } }";

describe.each(await engineCases())("agentGraph for a graph view on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await open();
    expect((await importFiles(t.database, hubFiles, { source: "hub" })).failed).toEqual([]);
    const syn = syntheticCatalog({ agents: 300, pluginSize: 30 });
    expect((await importFiles(t.database, syn, { source: "syn" })).failed).toEqual([]);
    app = testApp(t.database);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function view(variables: Record<string, unknown>, on: App = app, query = VIEW) {
    const before = t.database.statements;
    const r = await gql<any>(on, query, variables);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.agentGraph.__typename ?? "AgentGraph").toBe("AgentGraph");
    return { statements: t.database.statements - before, graph: r.body.data.agentGraph };
  }

  /** Agent global ids and open-end ids back to refs and names, for readable assertions. */
  function namer(graph: any) {
    const names = new Map<string, string>();
    for (const n of graph.nodes) names.set(n.id, n.agent.ref);
    for (const e of graph.openEnds) names.set(e.id, `${e.kind}:${e.name}`);
    return (id: string) => names.get(id) ?? `?${id}`;
  }

  it("gives each node its agent's id and its hidden neighbours", async () => {
    const { graph } = await view({ roots: ["hub/hub-lead"], depth: 1 });
    expect(graph.nodes.map((n: any) => [n.agent.ref, n.depth, n.hiddenNeighbours])).toEqual([
      ["hub/hub-lead", 0, 0],
      ["hub/alpha-dev", 1, 2],
      ["hub/beta-dev", 1, 0],
      ["hub/gamma-dev", 1, 1],
      ["hub/delta-dev", 1, 0],
    ]);
    for (const n of graph.nodes) expect(n.id).toBe(n.agent.id);
    const root = await view({ roots: ["hub/hub-lead"], depth: 0 });
    expect(root.graph.nodes.map((n: any) => n.hiddenNeighbours)).toEqual([4]);
  });

  it("lists open ends once, with ids that are the same in every graph and on UnresolvedAgent", async () => {
    const { graph } = await view({ roots: ["hub/hub-lead"], depth: 1 });
    expect(graph.openEnds.map((e: any) => [e.kind, e.name, e.candidates])).toEqual([
      ["GROUP", "All Agents", []],
      ["GROUP", "Product Team", []],
      ["UNRESOLVED", "ghost-writer", []],
    ]);
    const ids = new Set(graph.openEnds.map((e: any) => e.id));
    expect(ids.size).toBe(3);
    for (const n of graph.nodes) expect(ids.has(n.id)).toBe(false);
    const ghost = graph.openEnds[2].id;
    // Another graph, where another agent states the edge to it.
    const alpha = await view({ roots: ["hub/alpha-dev"], depth: 0 });
    expect(alpha.graph.openEnds.map((e: any) => [e.id, e.name])).toEqual([[ghost, "ghost-writer"]]);
    // Another request, outside any graph: the agent's own edges.
    const r = await gql<any>(
      app,
      `{ a: agent(ref: "hub/alpha-dev") { ... on Agent { collaborators { to ${END} } } }
         h: agent(ref: "hub/hub-lead") { ... on Agent { collaborators { to ${END} } dependents { from ${END} } } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    const unresolved = (edges: any[], side: "from" | "to") =>
      edges.filter((e) => e[side].__typename === "UnresolvedAgent").map((e) => [e[side].name, e[side].id]);
    expect(unresolved(r.body.data.a.collaborators, "to")).toEqual([["ghost-writer", ghost]]);
    const byName = Object.fromEntries(graph.openEnds.map((e: any) => [e.name, e.id]));
    expect(unresolved(r.body.data.h.collaborators, "to")).toEqual([
      ["ghost-writer", ghost],
      ["all-agents", byName["All Agents"]],
    ]);
    expect(unresolved(r.body.data.h.dependents, "from")).toEqual([["product-team", byName["Product Team"]]]);
    // And on the links' collaborations.
    for (const link of graph.links)
      for (const c of link.collaborations)
        for (const side of ["from", "to"] as const)
          if (c[side].__typename === "UnresolvedAgent") expect(ids.has(c[side].id)).toBe(true);
  });

  it("links every edge among the nodes and every edge to an open end, one link per edge", async () => {
    const { graph } = await view({ roots: ["hub/hub-lead"], depth: 1 });
    const name = namer(graph);
    const links = graph.links.map((l: any) => [
      name(l.from),
      name(l.to),
      l.kinds.join("+"),
      l.count,
      l.directed,
    ]);
    expect(links).toEqual([
      ["hub/hub-lead", "hub/alpha-dev", "HANDOFF", 1, true],
      ["hub/hub-lead", "hub/beta-dev", "HANDOFF", 1, true],
      ["hub/hub-lead", "hub/gamma-dev", "HANDOFF", 1, true],
      ["hub/hub-lead", "UNRESOLVED:ghost-writer", "HANDOFF", 1, true],
      ["hub/alpha-dev", "hub/hub-lead", "HANDOFF", 1, true],
      ["hub/hub-lead", "hub/delta-dev", "PEER", 1, false],
      ["hub/hub-lead", "GROUP:All Agents", "PEER", 1, false],
      ["GROUP:Product Team", "hub/hub-lead", "HANDOFF", 1, true],
      ["hub/alpha-dev", "UNRESOLVED:ghost-writer", "HANDOFF", 1, true],
      ["hub/alpha-dev", "hub/hub-lead", "MENTION", 1, true],
      ["hub/hub-lead", "hub/beta-dev", "HANDOFF", 1, true],
    ]);
    expect(new Set(graph.links.map((l: any) => l.id)).size).toBe(links.length);
    // `edges` is unchanged: the edges among nodes only, which the links hold too.
    const edgeIds = graph.edges.map((e: any) => e.id).sort();
    const linked = graph.links.flatMap((l: any) => l.collaborations.map((c: any) => c.id));
    expect(edgeIds).toHaveLength(7);
    expect(linked).toEqual(expect.arrayContaining(edgeIds));
    expect(linked).toHaveLength(11);
    for (const l of graph.links) {
      expect(l.collaborations).toHaveLength(1);
      expect(l.directed).toBe(l.collaborations[0].directed);
      expect(l.directed).toBe(l.kinds[0] !== "PEER");
    }
    expect(graph.edges.find((e: any) => e.kind === "PEER").directed).toBe(false);
  });

  it("merges the edges of a pair of ends into one link, directed only when they all point the same way", async () => {
    const { graph } = await view({ roots: ["hub/hub-lead"], depth: 1 });
    const name = namer(graph);
    const merged = graph.merged.map((l: any) => [
      name(l.from),
      name(l.to),
      l.kinds.join("+"),
      l.count,
      l.directed,
    ]);
    expect(merged).toEqual([
      // A handoff each way and a mention: both kinds, not directed.
      ["hub/hub-lead", "hub/alpha-dev", "HANDOFF+MENTION", 3, false],
      // Two handoffs the same way, stated by each end.
      ["hub/hub-lead", "hub/beta-dev", "HANDOFF", 2, true],
      ["hub/hub-lead", "hub/gamma-dev", "HANDOFF", 1, true],
      ["hub/hub-lead", "UNRESOLVED:ghost-writer", "HANDOFF", 1, true],
      ["hub/hub-lead", "hub/delta-dev", "PEER", 1, false],
      ["hub/hub-lead", "GROUP:All Agents", "PEER", 1, false],
      ["GROUP:Product Team", "hub/hub-lead", "HANDOFF", 1, true],
      ["hub/alpha-dev", "UNRESOLVED:ghost-writer", "HANDOFF", 1, true],
    ]);
    const pair = graph.merged[0];
    expect(pair.collaborations.map((c: any) => [c.kind, c.from.ref, c.to.ref, c.statedBy.ref])).toEqual([
      ["HANDOFF", "hub/hub-lead", "hub/alpha-dev", "hub/hub-lead"],
      ["HANDOFF", "hub/alpha-dev", "hub/hub-lead", "hub/hub-lead"],
      ["MENTION", "hub/alpha-dev", "hub/hub-lead", "hub/alpha-dev"],
    ]);
    // The same ids in another request, and for the same pair in a graph around another root.
    const again = await view({ roots: ["hub/alpha-dev"], depth: 1 });
    const same = again.graph.merged.find((l: any) => l.id === pair.id);
    expect([same.count, same.kinds, same.directed]).toEqual([3, ["HANDOFF", "MENTION"], false]);
    // Without the mention the pair still points both ways.
    const handoffs = await view({ roots: ["hub/hub-lead"], depth: 1, kinds: ["HANDOFF"] });
    const hn = namer(handoffs.graph);
    expect(
      handoffs.graph.merged.map((l: any) => [hn(l.from), hn(l.to), l.kinds.join("+"), l.count, l.directed]),
    ).toEqual([
      ["hub/hub-lead", "hub/alpha-dev", "HANDOFF", 2, false],
      ["hub/hub-lead", "hub/beta-dev", "HANDOFF", 2, true],
      ["hub/hub-lead", "hub/gamma-dev", "HANDOFF", 1, true],
      ["hub/hub-lead", "UNRESOLVED:ghost-writer", "HANDOFF", 1, true],
      ["GROUP:Product Team", "hub/hub-lead", "HANDOFF", 1, true],
      ["hub/alpha-dev", "UNRESOLVED:ghost-writer", "HANDOFF", 1, true],
    ]);
  });

  it("costs the same statements for a graph of one node as for hundreds, every new field selected", async () => {
    const small = await view({ roots: ["hub/hub-lead"], depth: 0 });
    const hub = await view({ roots: ["hub/hub-lead"], depth: 2 });
    // Without the old `edges`: with it too, this selection (links twice) is just over the query
    // budget at depth 3 (103,000 of 100,000).
    const large = await view(
      { roots: ["syn/api-architect-0"], depth: 3 },
      app,
      VIEW.replace("edges { id kind directed }", ""),
    );
    expect(small.graph.nodes).toHaveLength(1);
    expect(small.graph.openEnds.length).toBe(3);
    expect(large.graph.nodes.length).toBeGreaterThan(100);
    expect(large.graph.links.length).toBeGreaterThan(large.graph.nodes.length);
    expect(large.graph.nodes.some((n: any) => n.hiddenNeighbours > 0)).toBe(true);
    // The roots, the traversal (hidden neighbours and open ends in it), the nodes' agents, the
    // stating agents of merged links (statedBy).
    expect([small.statements, hub.statements, large.statements]).toEqual([4, 4, 4]);
    console.log(
      `graph view statements: ${small.statements} (1 node), ${hub.statements} (${hub.graph.nodes.length} nodes), ${large.statements} (${large.graph.nodes.length} nodes, ${large.graph.links.length} links)`,
    );
  });

  it("answers the new fields from the graph cache with no statement but the generation", async () => {
    const cache = new GraphCache(
      new MemoryStore(8 * 1024 * 1024),
      60,
      `graph-view-${process.pid}-${Date.now()}`,
    );
    const cached = createApp({
      database: t.database,
      logger: captureLogger(),
      graphCache: cache,
      rateLimit: false,
    });
    // A graph cached without hidden neighbours (not selected) never answers a query for them.
    const plain = `{ none: node(id: "") { id } agentGraph(roots: ["hub/alpha-dev"], depth: 0) { ... on AgentGraph { nodes { id } } } }`;
    expect((await gql<any>(cached, plain)).body.data.agentGraph.nodes).toHaveLength(1);
    const counted = await view({ roots: ["hub/alpha-dev"], depth: 0 }, cached, viewOnly("", ""));
    expect(counted.graph.nodes.map((n: any) => n.hiddenNeighbours)).toEqual([3]);
    expect(counted.statements).toBe(3);
    for (const variables of [
      { roots: ["hub/hub-lead"], depth: 1 },
      { roots: ["syn/api-architect-0"], depth: 3 },
    ]) {
      // Miss: the generation, the roots, the traversal, the nodes' agents (for the edges' ends).
      const miss = await view(variables, cached, viewOnly("", UNRESOLVED_ENDS));
      // Other documents, the same graph: the graph cache's hit. With no agent field,
      // the generation alone; with the edges' ends, the nodes' agents too.
      const bare = await view(variables, cached, viewOnly("nodeBudget", ""));
      const ends = await view(variables, cached, viewOnly("nodeBudget", UNRESOLVED_ENDS));
      const direct = await view(variables, app, viewOnly("", UNRESOLVED_ENDS));
      expect([miss.statements, bare.statements, ends.statements, direct.statements]).toEqual([4, 1, 2, 3]);
      expect(direct.graph).toEqual(miss.graph);
      expect({ ...ends.graph, nodeBudget: undefined }).toEqual({ ...miss.graph, nodeBudget: undefined });
      for (const field of ["nodes", "openEnds", "merged", "truncated"])
        expect(bare.graph[field]).toEqual(miss.graph[field]);
      expect(miss.graph.links.some((l: any) => l.collaborations[0].to.id)).toBe(variables.depth === 1);
    }
  });
});
