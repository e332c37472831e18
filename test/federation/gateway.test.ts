// A real gateway in front of two subgraphs over HTTP on loopback: Agentry (the app, as
// `agentry serve` runs it, on the example catalog) and ratings (ratings.ts). Queries that span
// both come back whole, and Agentry answers the gateway's entity lookups in batches: the
// number of SQL statements does not grow with the number of entities.

import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { listen, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { RATINGS, RUNS, ratingOf, startRatings } from "./ratings.js";
import { composeSupergraph } from "./supergraph.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

const topRated = Object.keys(RATINGS).sort((a, b) => RATINGS[b]! - RATINGS[a]!);

describe.each(cases)("an Apollo gateway over Agentry ($driver) and ratings", ({ open }) => {
  let t: TestDatabase;
  let agentry: Awaited<ReturnType<typeof listen>>;
  let ratings: Awaited<ReturnType<typeof startRatings>>;
  let gateway: ApolloServer;
  let gatewayUrl: string;
  let agentryEntityRequests = 0;

  beforeAll(async () => {
    t = await open();
    await loadExamplesIfEmpty(t.database);
    // The app as served, counting the `_entities` requests the gateway sends it.
    const app = testApp(t.database);
    agentry = await listen({
      ...app,
      fetch: async (request) => {
        if ((await request.clone().text()).includes("_entities")) agentryEntityRequests++;
        return app.fetch(request);
      },
    });
    ratings = await startRatings();
    const composed = await composeSupergraph({ agentry: `${agentry.url}/graphql`, ratings: ratings.url });
    expect(composed.errors).toBeUndefined();
    gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl! }) });
    ({ url: gatewayUrl } = await startStandaloneServer(gateway, { listen: { port: 0, host: "127.0.0.1" } }));
  });

  afterAll(async () => {
    await gateway?.stop();
    await ratings?.stop();
    await agentry?.close();
    await t?.cleanup();
  });

  /** A query through the gateway, with the SQL statements Agentry sent to answer it. */
  async function viaGateway(query: string, variables: Record<string, unknown> = {}) {
    const before = t.database.statements;
    const entityRequests = ratings.entityRequests();
    const ours = agentryEntityRequests;
    const response = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    return {
      data: body.data,
      statements: t.database.statements - before,
      ratingsEntityRequests: ratings.entityRequests() - entityRequests,
      agentryEntityRequests: agentryEntityRequests - ours,
    };
  }

  const AGENTS_WITH_RATINGS = `query ($first: Int!) { agents(first: $first) { nodes { ref name rating } } }`;

  it("completes Agentry's agents with ratings from the other subgraph", async () => {
    const r = await viaGateway(AGENTS_WITH_RATINGS, { first: 10 });
    expect(r.data.agents.nodes).toHaveLength(10);
    for (const a of r.data.agents.nodes) {
      expect(a.ref).toBe(`${a.ref.split("/")[0]}/${a.name}`);
      expect(a.rating).toBe(ratingOf(a.ref));
    }
    // Some of the ten are rated and some are not.
    expect(r.data.agents.nodes.some((a: any) => a.rating !== null)).toBe(true);
    // The gateway asked ratings for all ten in one `_entities` request, and Agentry for none;
    // Agentry's page costs what a page of two costs.
    expect(r.ratingsEntityRequests).toBe(1);
    expect(r.agentryEntityRequests).toBe(0);
    const two = await viaGateway(AGENTS_WITH_RATINGS, { first: 2 });
    expect(two.data.agents.nodes).toHaveLength(2);
    expect(r.statements).toBe(two.statements);
  });

  const TOP_RATED = `query ($first: Int!) { topRatedAgents(first: $first) {
    ref rating name description model { family } tools { name tier } source { name agentCount }
  } }`;

  it("completes the other subgraph's agents from Agentry, in one batch whatever its size", async () => {
    const two = await viaGateway(TOP_RATED, { first: 2 });
    const ten = await viaGateway(TOP_RATED, { first: 10 });
    expect(ten.data.topRatedAgents.map((a: any) => a.ref)).toEqual(topRated.slice(0, 10));
    expect(two.data.topRatedAgents.map((a: any) => a.ref)).toEqual(topRated.slice(0, 2));
    for (const a of ten.data.topRatedAgents) {
      const [source, name] = a.ref.split("/");
      expect(a).toMatchObject({ name, rating: RATINGS[a.ref], source: { name: source } });
      expect(a.source.agentCount).toBeGreaterThan(0);
    }
    expect(ten.data.topRatedAgents[0]).toMatchObject({
      ref: "acme-platform/api-designer",
      model: { family: "OPUS" },
      tools: expect.arrayContaining([{ name: "Read", tier: expect.any(String) }]),
    });
    // One `_entities` request to Agentry with every ref; it reads the agents by ref, their tools
    // and their sources: one statement each, for 2 agents as for 10.
    expect(two.agentryEntityRequests).toBe(1);
    expect(ten.agentryEntityRequests).toBe(1);
    expect(ten.statements).toBe(two.statements);
    expect(ten.statements).toBeLessThanOrEqual(3);
  });

  it("follows a chain across both subgraphs: a run, its agent from Agentry, the agent's runs", async () => {
    const run = RUNS.find((r) => r.agentRef === "acme-platform/backend-engineer")!;
    const r = await viaGateway(
      `query ($id: ID!) { run(id: $id) { status agent { ref name toolsMode variants { ref rating } runs { id } } } }`,
      { id: run.id },
    );
    expect(r.data.run).toEqual({
      status: run.status,
      agent: {
        ref: "acme-platform/backend-engineer",
        name: "backend-engineer",
        toolsMode: expect.any(String),
        variants: expect.any(Array),
        runs: RUNS.filter((x) => x.agentRef === run.agentRef).map((x) => ({ id: x.id })),
      },
    });
  });

  it("routes a variant's rating back to ratings: api-designer exists in two sources", async () => {
    const r = await viaGateway(`{ topRatedAgents(first: 1) { ref variants { ref rating name } } }`);
    expect(r.data.topRatedAgents[0]).toEqual({
      ref: "acme-platform/api-designer",
      variants: [
        {
          ref: "community-agents/api-designer",
          rating: RATINGS["community-agents/api-designer"],
          name: "api-designer",
        },
      ],
    });
  });
});
