// Agentry in a supergraph with the kind of subgraphs other teams write (issue #15): a Relay-style
// "projects" subgraph with its own Node, node/nodes, PageInfo, Error and generic value types
// (projects.ts), and "ownership", which extends Agent by ref and lists agents by refs that may
// name nothing (ownership.ts); ratings (ratings.ts) too. Composed by @apollo/composition, then
// served behind two real gateways, Apollo Gateway (over HTTP) and Hive Gateway (in process),
// both fetching from the four subgraphs over HTTP on loopback. We count what Agentry receives
// (requests, `_entities` representations) and the SQL statements it sends.

import { composeServices as apolloCompose } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import { applyTagFilterOnSubgraphs, composeSchemaContract } from "@theguild/federation-composition";
import {
  buildASTSchema,
  type GraphQLEnumType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  parse,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCatalog } from "../../bench/synthetic.js";
import { importFiles } from "../../src/catalog/import.js";
import { LIMITS } from "../../src/graphql/limits.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { gql, listen, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { SYNTHETIC_AGENTS, startOwnership, syntheticRefs, TEAMS, UNKNOWN_REF } from "./ownership.js";
import { disjointProjectsSdl, PROJECTS, startProjects } from "./projects.js";
import { RATINGS, ratingOf, startRatings } from "./ratings.js";
import { agentrySdl, composeFour, serviceDefinitions } from "./supergraph.js";

/** The generic names Agentry used before issue #15, by the name it uses now. */
const GENERIC_NAMES: Record<string, string> = {
  AgentryError: "Error",
  AgentryModel: "Model",
  AgentrySource: "Source",
  AgentryTool: "Tool",
  AgentryDiagnostic: "Diagnostic",
  AgentryEvidence: "Evidence",
  AgentrySeverity: "Severity",
  AgentryDateTime: "DateTime",
};

describe("composition with a Relay subgraph and a subgraph that extends Agent", () => {
  it("composes Agentry, ratings, projects and ownership with no errors", async () => {
    const result = await composeFour();
    const errors = result.errors?.map((e) => `${e.extensions?.code}: ${e.message}`);
    expect(errors).toBeUndefined();
    const hints = (result.hints ?? []).map(
      (h) => `${h.definition.code}: ${h.message.split("\n").slice(0, 8).join(" ")}`,
    );
    console.info(`composition hints (${hints.length}):\n${hints.join("\n")}`);
    // No hints: `node`/`nodes` are the Relay subgraph's alone (decision 0020); while Agentry
    // shared them, composition warned INCONSISTENT_RUNTIME_TYPES_FOR_SHAREABLE_RETURN on both.
    expect(hints).toEqual([]);
  });

  it("keeps each team's generic types apart from Agentry's", async () => {
    const result = await composeFour();
    const api = result.schema!.toAPISchema().toGraphQLJSSchema();
    // The other team's types are theirs, whole: no field of Agentry's in them.
    expect(Object.keys((api.getType("Source") as GraphQLObjectType).getFields()).sort()).toEqual([
      "branch",
      "url",
    ]);
    expect(Object.keys((api.getType("Tool") as GraphQLObjectType).getFields()).sort()).toEqual([
      "id",
      "name",
      "version",
    ]);
    expect(Object.keys((api.getType("Model") as GraphQLObjectType).getFields()).sort()).toEqual([
      "contextWindow",
      "id",
      "provider",
    ]);
    expect(Object.keys((api.getType("Error") as GraphQLInterfaceType).getFields()).sort()).toEqual([
      "code",
      "message",
    ]);
    expect((api.getType("Severity") as GraphQLEnumType).getValues().map((v) => v.name)).toEqual([
      "LOW",
      "MEDIUM",
      "HIGH",
      "CRITICAL",
    ]);
    expect(api.getType("JSON")).toBeDefined();
    expect(api.getType("DateTime")).toBeDefined();
    // Agentry's under names of its own, entities with the same keys.
    for (const name of Object.keys(GENERIC_NAMES)) expect(api.getType(name), name).toBeDefined();
    const supergraph = result.supergraphSdl!;
    expect(supergraph).toMatch(/type AgentryTool\s[^{]*@join__type\(graph: AGENTRY, key: "name"\)/);
    expect(supergraph).toMatch(/type AgentrySource\s[^{]*@join__type\(graph: AGENTRY, key: "name"\)/);
    expect(supergraph).toMatch(/type Skill\s[^{]*@join__type\(graph: AGENTRY, key: "ref"\)/);
    // No Pothos default name (QueryAgentsConnection, QueryAgentResult…) reaches the supergraph.
    const leaked = Object.keys(api.getTypeMap()).filter((n) => /^(Query|Mutation)[A-Z]/.test(n));
    expect(leaked).toEqual([]);
    // Agent takes fields from all three subgraphs that know it.
    const agent = (api.getType("Agent") as GraphQLObjectType).getFields();
    expect(Object.keys(agent)).toEqual(expect.arrayContaining(["ref", "name", "tools", "rating", "owner"]));
  });

  it("would not compose with Agentry's former generic names (the test can fail)", async () => {
    let sdl = await agentrySdl();
    for (const [now, before] of Object.entries(GENERIC_NAMES))
      sdl = sdl.replace(new RegExp(`\\b${now}\\b`, "g"), before);
    const result = await composeFour({}, { agentry: sdl });
    expect(result.errors?.length).toBeGreaterThan(0);
    const text = result.errors!.map((e) => e.message).join("\n");
    expect(text).toMatch(/"(Source|Tool|Model|Severity|Evidence|Diagnostic|Error)[."]/);
  });

  it("composes with a Relay subgraph whose Node types are all its own, node shared or not", async () => {
    // Decision 0020: Agentry's subgraph SDL offers no `node`/`nodes` (they stay in its own API),
    // so the supergraph's `node` is the Relay subgraph's. With Agentry's @shareable `node` in the
    // SDL, this subgraph failed with SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES (twice).
    expect(await agentrySdl()).not.toMatch(/^\s+nodes?\(/m);
    const unshared = disjointProjectsSdl()
      .replaceAll("): Node @shareable", "): Node")
      .replaceAll("): [Node]! @shareable", "): [Node]!");
    for (const sdl of [disjointProjectsSdl(), unshared]) {
      const result = await composeFour({}, { projects: sdl });
      expect(result.errors).toBeUndefined();
      const api = result.schema!.toAPISchema().toGraphQLJSSchema();
      expect(api.getQueryType()!.getFields().node).toBeDefined();
    }
  });
});

describe("contracts by @tag", () => {
  const filter = (include: string[], exclude: string[]) => ({
    include: new Set(include),
    exclude: new Set(exclude),
  });

  /** The contract's API schema, by Hive's contract composition (The Guild's composition). */
  function hiveContract(
    services: Awaited<ReturnType<typeof serviceDefinitions>>,
    include: string[],
    exclude: string[],
  ) {
    const result = composeSchemaContract(services, filter(include, exclude), true);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    return buildASTSchema(parse(result.publicSdl!), { assumeValidSDL: true });
  }

  /** The same filter applied to the subgraphs (as @inaccessible), composed by Apollo's composition. */
  function apolloContract(
    services: Awaited<ReturnType<typeof serviceDefinitions>>,
    include: string[],
    exclude: string[],
  ) {
    const result = apolloCompose(applyTagFilterOnSubgraphs(services, filter(include, exclude)));
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    return result.schema!.toAPISchema().toGraphQLJSSchema();
  }

  const PUBLIC_AGENT_FIELDS = [
    "id",
    "ref",
    "name",
    "description",
    "tools",
    "skills",
    "source",
    "collaborators",
  ];

  for (const [name, build] of [
    ["Hive's composeSchemaContract", hiveContract],
    ["Apollo's composition of the tag-filtered subgraphs", apolloContract],
  ] as const) {
    it(`Agentry's public contract, include "public" exclude "internal" (${name})`, async () => {
      const agentry = (await serviceDefinitions()).filter((s) => s.name === "agentry");
      const api = build(agentry, ["public"], ["internal"]);
      const agent = (api.getType("Agent") as GraphQLObjectType).getFields();
      expect(agent.markdown).toBeUndefined();
      expect(agent.diagnostics).toBeUndefined();
      expect(agent.sections).toBeUndefined();
      expect(Object.keys(agent)).toEqual(expect.arrayContaining(PUBLIC_AGENT_FIELDS));
      const query = api.getQueryType()!.getFields();
      expect(Object.keys(query)).toEqual(
        expect.arrayContaining(["agent", "agents", "agentGraph", "unresolvedReferences"]),
      );
      // Hive's contract drops the types no field reaches any more (removeUnreachableTypes).
      if (build === hiveContract) expect(api.getType("AgentryDiagnostic")).toBeUndefined();
      expect(api.getType("AgentRevisionDiff")).toBeDefined();
    });

    it(`the supergraph without "internal" (${name}): the other teams' fields stay`, async () => {
      const api = build(await serviceDefinitions(), [], ["internal"]);
      const agent = (api.getType("Agent") as GraphQLObjectType).getFields();
      expect(agent.markdown).toBeUndefined();
      expect(agent.diagnostics).toBeUndefined();
      expect(Object.keys(agent)).toEqual(expect.arrayContaining([...PUBLIC_AGENT_FIELDS, "rating", "owner"]));
      expect(api.getType("Project")).toBeDefined();
      expect(Object.keys(api.getQueryType()!.getFields())).toEqual(
        expect.arrayContaining(["agents", "team", "project", "topRatedAgents"]),
      );
    });
  }
});

// One database for the gateways: PostgreSQL when it is there (CI), else PGlite.
const cases = await driverCases();
const dbCase = cases.find((c) => c.driver === "pg") ?? cases.find((c) => c.driver === "pglite")!;

interface Answer {
  status: number;
  body: {
    data?: any;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: any;
  };
  /** What Agentry received and did for it. */
  agentryRequests: number;
  entityRequests: number;
  /** Representations in each `_entities` request Agentry received. */
  representations: number[];
  statements: number;
}

describe(`behind real gateways, Agentry on ${dbCase.driver}`, () => {
  let t: TestDatabase;
  let agentry: Awaited<ReturnType<typeof listen>>;
  let ratings: Awaited<ReturnType<typeof startRatings>>;
  let projects: Awaited<ReturnType<typeof startProjects>>;
  let ownership: Awaited<ReturnType<typeof startOwnership>>;
  let apollo: ApolloServer;
  let apolloUrl: string;
  let hive: ReturnType<typeof createGatewayRuntime>;
  let hiveBudget: ReturnType<typeof createGatewayRuntime>;
  let supergraphSdl: string;
  const seen = { requests: 0, entityRequests: 0, representations: [] as number[] };
  const agentIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await dbCase.open();
    await loadExamplesIfEmpty(t.database);
    // The 1,000 agents of the "synthetic" team (source "syn").
    const report = await importFiles(t.database, syntheticCatalog({ agents: SYNTHETIC_AGENTS }), {
      source: "syn",
    });
    expect(report.created).toHaveLength(SYNTHETIC_AGENTS);
    const app = testApp(t.database);
    // The global ids Agentry gives the projects' agents: what the projects team stored.
    const refs = [...new Set(PROJECTS.flatMap((p) => p.agents.map((a) => a.ref)))];
    const ids = await gql<any>(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Agent { id ref } } }`,
      { r: refs.map((ref) => ({ __typename: "Agent", ref })) },
    );
    for (const a of ids.body.data._entities) agentIds[a.ref] = a.id;
    expect(Object.keys(agentIds)).toHaveLength(refs.length);

    agentry = await listen({
      ...app,
      fetch: async (request) => {
        const text = await request.clone().text();
        seen.requests++;
        if (text.includes("_entities")) {
          seen.entityRequests++;
          try {
            const body = JSON.parse(text) as { variables?: Record<string, unknown> };
            for (const v of Object.values(body.variables ?? {}))
              if (Array.isArray(v)) seen.representations.push(v.length);
          } catch {
            // not JSON: counted as a request only
          }
        }
        return app.fetch(request);
      },
    });
    ratings = await startRatings();
    projects = await startProjects(agentIds);
    ownership = await startOwnership();
    const composed = await composeFour({
      agentry: `${agentry.url}/graphql`,
      ratings: ratings.url,
      projects: projects.url,
      ownership: ownership.url,
    });
    expect(composed.errors).toBeUndefined();
    supergraphSdl = composed.supergraphSdl!;

    apollo = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    ({ url: apolloUrl } = await startStandaloneServer(apollo, { listen: { port: 0, host: "127.0.0.1" } }));
    hive = createGatewayRuntime({ supergraph: () => supergraphSdl, logging: false });
    hiveBudget = createGatewayRuntime({
      supergraph: () => supergraphSdl,
      logging: false,
      // The router's budget is ours (src/graphql/limits.ts): the @cost/@listSize figures are
      // derived from the same costs (src/graphql/costs.ts, src/graphql/demand-control.ts).
      demandControl: { maxCost: LIMITS.maxCost, includeExtensionMetadata: true },
    });
  }, 120_000);

  afterAll(async () => {
    await apollo?.stop();
    await hive?.dispose();
    await hiveBudget?.dispose();
    await ownership?.stop();
    await projects?.stop();
    await ratings?.stop();
    await agentry?.close();
    await t?.cleanup();
  });

  async function through(
    gateway: "apollo" | "hive" | "hive-budget",
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Answer> {
    const before = {
      ...seen,
      representations: seen.representations.length,
      statements: t.database.statements,
    };
    const init = {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    };
    const response =
      gateway === "apollo"
        ? await fetch(apolloUrl, init)
        : await (gateway === "hive" ? hive : hiveBudget).fetch("http://gateway.test/graphql", init);
    const body = (await response.json()) as Answer["body"];
    return {
      status: response.status,
      body,
      agentryRequests: seen.requests - before.requests,
      entityRequests: seen.entityRequests - before.entityRequests,
      representations: seen.representations.slice(before.representations),
      statements: t.database.statements - before.statements,
    };
  }

  describe.each(["apollo", "hive"] as const)("%s gateway", (gateway) => {
    it("a team's agents from ownership, completed by Agentry and ratings", async () => {
      const team = TEAMS.find((x) => x.name === "community")!;
      const r = await through(
        gateway,
        `query ($name: String!) { team(name: $name) { name slack agents {
          ref name description model { family } tools { name tier } source { name } rating owner { name }
        } } }`,
        { name: "community" },
      );
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.team.agents.map((a: any) => a.ref)).toEqual(team.agents);
      for (const a of r.body.data.team.agents) {
        expect(a).toMatchObject({
          name: a.ref.split("/")[1],
          source: { name: a.ref.split("/")[0] },
          rating: ratingOf(a.ref),
          owner: { name: "community" },
        });
        expect(a.tools.length).toBeGreaterThan(0);
      }
      // One `_entities` request to Agentry with the team's refs.
      expect(r.entityRequests).toBe(1);
      expect(r.representations).toEqual([team.agents.length]);
    });

    it("a project with its agents: projects' connection, Agentry's fields, ratings and owners", async () => {
      const r = await through(
        gateway,
        `{ project(id: "project:checkout") {
          __typename
          ... on Project {
            name createdAt settings model { provider contextWindow } source { url branch }
            tools { name version } diagnostics { severity code evidence { file line } }
            agents(first: 3) {
              totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
              edges { cursor role node { id ref name rating } }
              nodes { id ref model { family } owner { name } }
            }
          }
          ... on Error { code message }
        } }`,
      );
      expect(r.body.errors).toBeUndefined();
      const p = r.body.data.project;
      const checkout = PROJECTS[0]!;
      expect(p).toMatchObject({
        __typename: "Project",
        name: checkout.name,
        settings: checkout.settings,
        model: { provider: "anthropic" },
        source: { branch: "main" },
        diagnostics: [
          { severity: "HIGH", code: "MISSING_OWNER", evidence: [{ file: "CODEOWNERS", line: 12 }] },
        ],
      });
      expect(p.agents.totalCount).toBe(checkout.agents.length);
      expect(p.agents.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const first3 = checkout.agents.slice(0, 3);
      expect(p.agents.edges.map((e: any) => [e.role, e.node.ref, e.node.rating])).toEqual(
        first3.map((a) => [a.role, a.ref, RATINGS[a.ref] ?? null]),
      );
      expect(p.agents.nodes.map((n: any) => n.id)).toEqual(first3.map((a) => agentIds[a.ref]));
      expect(p.agents.nodes[0]).toMatchObject({ model: { family: "OPUS" }, owner: { name: "platform" } });
      expect(r.entityRequests).toBeGreaterThanOrEqual(1);

      const missing = await through(
        gateway,
        `{ project(id: "project:nope") { ... on Error { code message } } }`,
      );
      expect(missing.body.data.project).toEqual({ code: "NOT_FOUND", message: "no project project:nope" });
    });

    it("node and nodes are the Relay subgraph's, and it hands Agentry's ids to Agentry", async () => {
      // Decision 0020: only projects offers `node`/`nodes`. It resolves its own ids, and answers
      // an Agentry agent id with a stub (`Agent` by `id`) that the gateway completes from
      // Agentry's `_entities`: no request for `node` reaches Agentry.
      const apiId = agentIds["acme-platform/api-designer"]!;
      const agentryId = {
        __typename: "Agent",
        id: apiId,
        ref: "acme-platform/api-designer",
        name: "api-designer",
      };
      const projectDocs = { __typename: "Project", id: "project:docs", name: "Docs site" };
      const fields = "__typename id ... on Agent { ref name } ... on Project { name }";
      for (const [query, variables] of [
        [`query ($ids: [ID!]!) { nodes(ids: $ids) { ${fields} } }`, { ids: [apiId, "project:docs"] }],
        [`query ($id: ID!) { a: node(id: $id) { ${fields} } }`, { id: apiId }],
        [`{ p: node(id: "project:docs") { ${fields} } }`, {}],
      ] as const) {
        const before = projects.requests();
        const r = await through(gateway, query, variables);
        expect(r.body.errors).toBeUndefined();
        expect(projects.requests()).toBeGreaterThan(before);
        // Agentry was asked for entities only, never for the root field.
        expect(r.agentryRequests).toBe(r.entityRequests);
        const data = r.body.data;
        if (data.nodes) expect(data.nodes).toEqual([agentryId, projectDocs]);
        if ("a" in data) expect(data.a).toEqual(agentryId);
        if ("p" in data) {
          expect(data.p).toEqual(projectDocs);
          expect(r.agentryRequests).toBe(0);
        }
      }
    });

    it("one unknown ref in ownership's [Agent!]! list does not null the response", async () => {
      const team = TEAMS.find((x) => x.name === "platform")!;
      const r = await through(
        gateway,
        `{ team(name: "platform") { name agents { ref name placeholder tools { name } rating owner { name } } } teams { name } }`,
      );
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.teams.map((x: any) => x.name)).toEqual(TEAMS.map((x) => x.name));
      expect(r.body.data.team).not.toBeNull();
      const agents = r.body.data.team.agents;
      expect(agents.map((a: any) => a.ref)).toEqual(team.agents);
      const unknown = agents.find((a: any) => a.ref === UNKNOWN_REF);
      // Agentry answers a placeholder for it (decision 0020), marked so a client can tell.
      expect(unknown).toEqual({
        ref: UNKNOWN_REF,
        name: "retired-architect",
        placeholder: true,
        tools: [],
        rating: null,
        owner: { name: "platform" },
      });
      for (const a of agents.filter((x: any) => x.ref !== UNKNOWN_REF))
        expect(a).toMatchObject({
          name: a.ref.split("/")[1],
          placeholder: false,
          owner: { name: "platform" },
        });
      expect(agents.find((a: any) => a.ref === "acme-platform/api-designer").tools.length).toBeGreaterThan(0);
      expect(r.entityRequests).toBe(1);
    });

    it("a batch of 1,000 agent refs is answered whole, in as many statements as 3", async () => {
      const query = `query ($name: String!) { team(name: $name) { agents {
        ref name description model { family } tools { name } source { name }
      } } }`;
      const small = await through(gateway, query, { name: "community" });
      const big = await through(gateway, query, { name: "synthetic" });
      expect(big.body.errors).toBeUndefined();
      const agents = big.body.data.team.agents;
      expect(agents).toHaveLength(SYNTHETIC_AGENTS);
      expect(agents.map((a: any) => a.ref)).toEqual(syntheticRefs());
      for (const a of agents) expect(a).toMatchObject({ name: a.ref.slice(4), source: { name: "syn" } });
      expect(agents.every((a: any) => a.tools.length > 0)).toBe(true);
      console.info(
        `${gateway}: 1,000 refs: ${big.entityRequests} _entities request(s) to Agentry of ${big.representations.join(", ")} representations, ${big.statements} SQL statements (3 refs: ${small.statements})`,
      );
      expect(big.representations.reduce((a, b) => a + b, 0)).toBe(SYNTHETIC_AGENTS);
      expect(big.statements).toBe(small.statements);
      expect(big.statements).toBeLessThanOrEqual(4);
    });
  });

  describe("Hive Gateway's demand control with Agentry's budget", () => {
    // Ten aliased pages of 100 agents with their markdown: 10 × (10,000 + 100 × 120) by our
    // costs, over LIMITS.maxCost (100,000); one of them is within it.
    const page = (alias: string) => `${alias}: agents(first: 100) { nodes { ref markdown } }`;
    const OVER = `{ ${Array.from({ length: 10 }, (_, i) => page(`p${i}`)).join(" ")} }`;
    const UNDER = `{ ${page("p0")} }`;

    it("refuses an over-budget query before Agentry receives any request", async () => {
      const r = await through("hive-budget", OVER);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("COST_ESTIMATED_TOO_EXPENSIVE");
      const cost = r.body.errors![0]!.extensions!.cost as { estimated: number; max: number };
      console.info(`hive demand control: over-budget estimated ${cost.estimated}, max ${cost.max}`);
      expect(cost.max).toBe(LIMITS.maxCost);
      expect(cost.estimated).toBeGreaterThan(LIMITS.maxCost);
      expect(r.agentryRequests).toBe(0);
      expect(r.statements).toBe(0);
      // Agentry would have refused it too, by its own budget, through a gateway without one.
      const ours = await through("hive", OVER);
      expect(ours.agentryRequests).toBe(1);
      expect(ours.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    });

    it("passes an in-budget query, with the router's estimate", async () => {
      const r = await through("hive-budget", UNDER);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.p0.nodes).toHaveLength(100);
      expect(r.agentryRequests).toBe(1);
      const cost = r.body.extensions?.cost as { estimated: number; max: number };
      console.info(`hive demand control: in-budget estimated ${cost?.estimated}, max ${cost?.max}`);
      expect(cost.estimated).toBeGreaterThan(10_000);
      expect(cost.estimated).toBeLessThanOrEqual(LIMITS.maxCost);
    });

    it("passes the 1,000-ref team through the router's budget", async () => {
      const r = await through(
        "hive-budget",
        `{ team(name: "synthetic") { agents { ref name tools { name } } } }`,
      );
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.team.agents).toHaveLength(SYNTHETIC_AGENTS);
    });
  });
});
