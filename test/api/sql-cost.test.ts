// SQL cost: the number of statements an operation sends must not grow with its result.
// Counted by the database's own counter (every statement drizzle sends), per request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCatalog } from "../../bench/synthetic.js";
import { importFiles } from "../../src/catalog/import.js";
import type { App } from "../../src/server/app.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

const AGENT_TWO_LEVELS = `query ($ref: String!) { agent(ref: $ref) { ... on Agent {
  name tools { name tier } skills { name }
  collaborators { kind to { ... on Agent {
    name tools { name } skills { name }
    collaborators { kind to { ... on Agent { name tools { name } skills { name } } } }
  } } }
} } }`;

const PAGE = `query ($first: Int!) { agents(first: $first) { totalCount nodes {
  name tools { name } skills { name } collaborators { kind to { ... on Agent { name } } }
} } }`;

const GRAPH = `query ($depth: Int!) { agentGraph(roots: ["syn/api-architect-0"], depth: $depth) { ... on AgentGraph {
  truncated nodes { depth agent { name } } edges { kind from { ... on Agent { name } } to { ... on Agent { name } } }
} } }`;

describe.each(cases)("SQL statements per operation on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await open();
    const report = await importFiles(t.database, syntheticCatalog({ agents: 120, pluginSize: 20 }), {
      source: "syn",
    });
    expect(report.failed).toEqual([]);
    app = testApp(t.database);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function count(query: string, variables: Record<string, unknown>) {
    const before = t.database.statements;
    const r = await gql<any>(app, query, variables);
    expect(r.body.errors).toBeUndefined();
    return { statements: t.database.statements - before, data: r.body.data };
  }

  it("one agent with collaborators two levels deep, with their tools and skills", async () => {
    const { statements, data } = await count(AGENT_TWO_LEVELS, { ref: "syn/api-architect-0" });
    const level1 = data.agent.collaborators.length;
    const level2 = data.agent.collaborators.reduce(
      (n: number, c: any) => n + (c.to.collaborators?.length ?? 0),
      0,
    );
    expect(level1).toBeGreaterThan(2);
    expect(level2).toBeGreaterThan(level1);
    // The agent, its tools and skills, then one statement per level of edges, which reads the
    // far ends' summaries, tools and skills along: a constant, whatever the fan-out.
    expect(statements).toBe(4);
  });

  it("a page of 50 agents with tools, skills and collaborators costs the same as a page of 5", async () => {
    const small = await count(PAGE, { first: 5 });
    const large = await count(PAGE, { first: 50 });
    expect(large.data.agents.nodes).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(5);
  });

  it("agentGraph depth 3 costs a constant number of statements", async () => {
    const d1 = await count(GRAPH, { depth: 1 });
    const d3 = await count(GRAPH, { depth: 3 });
    expect(d3.data.agentGraph.nodes.length).toBeGreaterThan(d1.data.agentGraph.nodes.length);
    expect(d3.statements).toBe(d1.statements);
    expect(d3.statements).toBeLessThanOrEqual(4);
  });
});
