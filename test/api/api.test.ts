// The API through yoga's fetch, on the example catalog: fields, typed errors, masking, limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

describe.each(cases)("API on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  const logger = captureLogger();
  beforeAll(async () => {
    t = await open();
    await loadExamplesIfEmpty(t.database);
    app = testApp(t.database, logger);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("answers an agent with its tools by tier, skills, commands, sections, examples and edges", async () => {
    const r = await gql<{ agent: Record<string, unknown> }>(
      app,
      `{ agent(ref: "acme-platform/api-designer") {
          __typename
          ... on Agent {
            id ref name namespace model { raw family } toolsMode
            source { name }
            tools { name kind tier }
            skills { name origin resolved skillRef }
            commands { name resolved evidence { line text } }
            sections { title key level line }
            examples { context user assistant commentary }
            collaborators(kinds: [HANDOFF]) { kind from { ... on Agent { ref } } to { ... on Agent { ref } ... on UnresolvedAgent { name } } evidence { line } }
            dependents { kind from { ... on Agent { ref } } }
            variants { ref model { family } }
            markdown
            diagnostics { severity }
          }
        } }`,
    );
    expect(r.body.errors).toBeUndefined();
    const a = r.body.data!.agent as Record<string, any>;
    expect(a.__typename).toBe("Agent");
    expect(a.ref).toBe("acme-platform/api-designer");
    expect(a.namespace).toBe("backend");
    expect(a.model).toEqual({ raw: "opus", family: "OPUS" });
    expect(a.source).toEqual({ name: "acme-platform" });
    expect(a.tools.length).toBeGreaterThan(0);
    expect(a.examples).toHaveLength(2);
    expect(a.examples[0].user).toBeTruthy();
    const handoffsTo = a.collaborators.map((c: any) => c.to.ref);
    expect(handoffsTo).toEqual(
      expect.arrayContaining([
        "acme-platform/backend-engineer",
        "acme-platform/frontend-engineer",
        "acme-platform/qa-engineer",
        "acme-platform/security-reviewer",
      ]),
    );
    expect(a.variants).toEqual([{ ref: "community-agents/api-designer", model: { family: "SONNET" } }]);
    expect(a.markdown.startsWith("---")).toBe(true);
    expect(a.sections.length).toBeGreaterThan(2);
  });

  it("tells an unresolved collaborator apart from an agent", async () => {
    const r = await gql<{ agent: any }>(
      app,
      `{ agent(ref: "acme-platform/security-reviewer") { ... on Agent {
          collaborators(kinds: [HANDOFF]) { to { __typename ... on Agent { ref } ... on UnresolvedAgent { name candidates } } }
          skills { name resolved }
        } } }`,
    );
    const ends = r.body.data!.agent.collaborators.map((c: any) => c.to);
    expect(ends).toContainEqual({
      __typename: "UnresolvedAgent",
      name: "compliance-officer",
      candidates: [],
    });
    expect(ends).toContainEqual({ __typename: "Agent", ref: "acme-platform/release-captain" });
    expect(r.body.data!.agent.skills).toContainEqual({ name: "threat-modeling", resolved: false });
    const u = await gql<{ unresolvedReferences: any }>(
      app,
      `{ unresolvedReferences(first: 10) { totalCount nodes { kind name agent { ref } evidence { line } } } }`,
    );
    expect(u.body.data!.unresolvedReferences.totalCount).toBe(2);
    expect(u.body.data!.unresolvedReferences.nodes.map((n: any) => [n.kind, n.name])).toEqual(
      expect.arrayContaining([
        ["COLLABORATOR", "compliance-officer"],
        ["SKILL", "threat-modeling"],
      ]),
    );
  });

  it("returns NotFoundError and InvalidInputError as typed results", async () => {
    const missing = await gql<{ agent: any }>(
      app,
      `{ agent(ref: "acme-platform/nobody") { __typename ... on AgentryNotFoundError { message ref } } }`,
    );
    expect(missing.body.data!.agent).toEqual({
      __typename: "AgentryNotFoundError",
      message: expect.stringContaining("nobody"),
      ref: "acme-platform/nobody",
    });
    const bad = await gql<{ agent: any }>(
      app,
      `{ agent(ref: "no-slash") { __typename ... on AgentryInvalidInputError { issues { path message } } } }`,
    );
    expect(bad.body.data!.agent.__typename).toBe("AgentryInvalidInputError");
    expect(bad.body.data!.agent.issues[0].path).toBe("ref");
  });

  it("pages through agents with filters, totalCount and cursors", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const r: any = await gql(
        app,
        `query ($after: String) { agents(first: 5, after: $after, filter: { source: "acme-platform" }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }`,
        { after },
      );
      const c = r.body.data.agents;
      total = c.totalCount;
      seen.push(...c.edges.map((e: any) => e.node.name));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(total).toBeGreaterThanOrEqual(10);
    expect([...seen].sort()).toEqual(seen);

    const text = await gql<any>(
      app,
      `{ agents(first: 5, filter: { text: "release" }, orderBy: RELEVANCE) { nodes { name } } }`,
    );
    expect(text.body.data.agents.nodes[0].name).toBe("release-captain");
    const byTool = await gql<any>(
      app,
      `{ agents(first: 50, filter: { tool: "mcp__github__create_pull_request" }) { nodes { ref } } }`,
    );
    expect(byTool.body.data.agents.nodes).toEqual([{ ref: "acme-platform/release-captain" }]);
  });

  it("builds the graph around an agent, ready for a graph view", async () => {
    const r = await gql<any>(
      app,
      `{ agentGraph(roots: ["acme-platform/api-designer"], depth: 3, kinds: [HANDOFF], direction: OUT) {
          __typename ... on AgentGraph { truncated nodes { depth agent { name } } edges { kind from { ... on Agent { name } } to { ... on Agent { name } } } }
        } }`,
    );
    const g = r.body.data.agentGraph;
    expect(g.truncated).toBe(false);
    const depthOf = Object.fromEntries(g.nodes.map((n: any) => [n.agent.name, n.depth]));
    expect(depthOf["api-designer"]).toBe(0);
    expect(depthOf["backend-engineer"]).toBe(1);
    expect(depthOf["release-captain"]).toBe(2);
    expect(depthOf["docs-writer"]).toBe(3);
    const names = new Set(Object.keys(depthOf));
    for (const e of g.edges) {
      expect(names.has(e.from.name)).toBe(true);
      expect(names.has(e.to.name)).toBe(true);
    }
  });

  it("finds a collaboration path", async () => {
    const r = await gql<any>(
      app,
      `{ collaborationPath(from: "acme-platform/api-designer", to: "acme-platform/docs-writer", kinds: [HANDOFF], directed: true) {
          ... on CollaborationPath { length agents { name } steps { direction collaboration { kind } } }
        } }`,
    );
    const p = r.body.data.collaborationPath;
    expect(p.agents[0].name).toBe("api-designer");
    expect(p.agents.at(-1).name).toBe("docs-writer");
    expect(p.length).toBe(p.agents.length - 1);
    const none = await gql<any>(
      app,
      `{ collaborationPath(from: "solo-dev/commit-helper", to: "acme-platform/docs-writer") { __typename } }`,
    );
    expect(none.body.data.collaborationPath).toBeNull();
  });

  it("lists sources, skills, commands and tools", async () => {
    const r = await gql<any>(
      app,
      `{ sources(first: 10) { totalCount nodes { name agentCount } }
         skills(first: 3) { totalCount nodes { ref agents { name } } pageInfo { hasNextPage endCursor } }
         commands(first: 10) { totalCount nodes { invocation } }
         tools(first: 100) { totalCount nodes { name agentCount } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.sources.nodes.map((s: any) => s.name)).toEqual([
      "acme-platform",
      "community-agents",
      "solo-dev",
    ]);
    expect(r.body.data.skills.totalCount).toBe(6);
    expect(r.body.data.skills.pageInfo.hasNextPage).toBe(true);
    expect(r.body.data.commands.nodes.map((c: any) => c.invocation)).toContain("/delivery:release-notes");
    expect(r.body.data.tools.nodes.find((x: any) => x.name === "Read").agentCount).toBeGreaterThan(3);
  });

  it("fetches any agent by global id through node", async () => {
    const one = await gql<any>(app, `{ agent(ref: "solo-dev/commit-helper") { ... on Agent { id } } }`);
    const id = one.body.data.agent.id;
    const r = await gql<any>(app, `query ($id: ID!) { node(id: $id) { __typename ... on Agent { ref } } }`, {
      id,
    });
    expect(r.body.data.node).toEqual({ __typename: "Agent", ref: "solo-dev/commit-helper" });
  });

  it("refuses requests over each limit with a clear error", async () => {
    const first = await gql<any>(app, `{ agents(first: 101) { totalCount } }`);
    expect(first.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(first.body.errors?.[0]?.message).toMatch(/first: must be at most 100/);

    const depth = await gql<any>(
      app,
      `{ agentGraph(roots: ["acme-platform/api-designer"], depth: 5) { __typename ... on AgentryInvalidInputError { issues { path message } } } }`,
    );
    expect(depth.body.data.agentGraph.issues).toEqual([{ path: "depth", message: "at most 4" }]);

    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: sources(first: 1) { totalCount }`).join(" ");
    const tooMany = await gql<any>(app, `{ ${aliases} }`);
    expect(tooMany.body.errors?.[0]?.message).toMatch(/aliases/i);

    const tokens = await gql<any>(app, `{ ${"__typename ".repeat(5001)} }`);
    expect(tokens.body.errors?.[0]?.message).toMatch(/token/i);

    const deep = await gql<any>(
      app,
      `{ agent(ref: "a/b") { ... on Agent { variants { variants { variants { variants { variants { variants { variants { variants { variants { variants { variants { name } } } } } } } } } } } } } }`,
    );
    expect(deep.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(deep.body.errors?.[0]?.message).toMatch(/depth/);

    const costly = await gql<any>(
      app,
      `{ agents(first: 100) { nodes { collaborators { to { ... on Agent { collaborators { to { ... on Agent { collaborators { kind } } } } } } } } } }`,
    );
    expect(costly.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(costly.body.errors?.[0]?.message).toMatch(/complexity/);
  });

  it("masks unexpected errors, logging them with the request id it returns", async () => {
    const other = await open();
    const broken = testApp(other.database, logger);
    await other.database.close();
    const r = await gql<any>(
      broken,
      `{ agent(ref: "acme-platform/api-designer") { __typename } }`,
      {},
      { "x-request-id": "req-123" },
    );
    await other.cleanup().catch(() => {});
    expect(r.body.errors?.[0]?.message).toBe("Unexpected error.");
    expect(r.body.errors?.[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "req-123" });
    expect(r.headers.get("x-request-id")).toBe("req-123");
    const logged = logger.lines.find((l) => l.level === "error" && l.fields?.requestId === "req-123");
    expect(logged?.fields?.error).toBeTruthy();
    expect(JSON.stringify(r.body)).not.toMatch(/stack|at .*\.ts/);
  });
});
