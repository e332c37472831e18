// Agentry's side of federation, through the app as served: `_service { sdl }`, and `_entities`
// for each entity and key, one SQL statement per type and key whatever the batch size, null for
// a reference to nothing, and the API's limits on entity lookups too.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename
  ... on Agent { id ref name }
  ... on Skill { ref name }
  ... on AgentryTool { name kind }
  ... on AgentrySource { name agentCount }
} }`;

const AGENT_REFS = [
  "acme-platform/api-designer",
  "acme-platform/backend-engineer",
  "acme-platform/docs-writer",
  "acme-platform/qa-engineer",
  "acme-platform/release-captain",
  "acme-platform/security-reviewer",
  "community-agents/api-designer",
  "community-agents/code-reviewer",
  "community-agents/query-optimizer",
  "solo-dev/commit-helper",
];

describe.each(cases)("the subgraph on $driver", ({ open }) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await open();
    await loadExamplesIfEmpty(t.database);
    app = testApp(t.database);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function entities(representations: Record<string, unknown>[], query = ENTITIES) {
    const before = t.database.statements;
    const r = await gql<any>(app, query, { representations });
    return { ...r, statements: t.database.statements - before, entities: r.body.data?._entities };
  }

  const agents = (refs: string[]) => refs.map((ref) => ({ __typename: "Agent", ref }));

  it("answers _service { sdl } with the checked-in schema/subgraph.graphql", async () => {
    const r = await gql<any>(app, "{ _service { sdl } }");
    const file = readFileSync(resolve(import.meta.dirname, "../../schema/subgraph.graphql"), "utf8");
    expect(r.body.data._service.sdl.trimEnd()).toBe(file.replace(/^#.*\n\n/, "").trimEnd());
    expect(r.body.data._service.sdl).toContain(
      'type Agent implements Node\n  @key(fields: "id")\n  @key(fields: "ref")',
    );
  });

  it("resolves agents by ref in one statement, 2 or 10 of them, in the order asked", async () => {
    const two = await entities(agents(AGENT_REFS.slice(0, 2)));
    const ten = await entities(agents(AGENT_REFS));
    expect(ten.body.errors).toBeUndefined();
    expect(ten.entities.map((e: any) => e.ref)).toEqual(AGENT_REFS);
    expect(ten.entities[0]).toMatchObject({ __typename: "Agent", name: "api-designer" });
    expect(two.statements).toBe(1);
    expect(ten.statements).toBe(1);
  });

  it("resolves agents by their relay id, the same ID `node` takes, in one statement", async () => {
    const listed = await gql<any>(app, "{ agents(first: 10) { nodes { id ref } } }");
    const nodes = listed.body.data.agents.nodes as { id: string; ref: string }[];
    const r = await entities(nodes.map((n) => ({ __typename: "Agent", id: n.id })));
    expect(r.entities.map((e: any) => e.ref)).toEqual(nodes.map((n) => n.ref));
    expect(r.statements).toBe(1);
    const node = await gql<any>(app, `query ($id: ID!) { node(id: $id) { ... on Agent { ref } } }`, {
      id: nodes[0]!.id,
    });
    expect(node.body.data.node.ref).toBe(nodes[0]!.ref);
  });

  it("answers a placeholder for an agent or source ref to nothing, null for the rest", async () => {
    // An agent ref or a source name that names nothing live answers a placeholder (decision
    // 0020: a null would empty another subgraph's `[Agent!]!` list); an id that names no agent,
    // a skill or a tool answers null; the others are answered as usual.
    const sourceId = (await gql<any>(app, "{ sources(first: 1) { nodes { id } } }")).body.data.sources
      .nodes[0].id;
    const r = await entities(
      [
        { __typename: "Agent", ref: "acme-platform/nobody" },
        { __typename: "Agent", ref: "not-a-ref" },
        { __typename: "Agent", id: "not a global id" },
        { __typename: "Agent", id: sourceId },
        { __typename: "Agent", ref: "solo-dev/commit-helper" },
        { __typename: "Skill", ref: "acme-platform/nothing" },
        { __typename: "AgentryTool", name: "NoSuchTool" },
        { __typename: "AgentrySource", name: "no-such-source" },
      ],
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        __typename
        ... on Agent { ref name placeholder tools { name } source { name agentCount } }
        ... on Skill { ref }
        ... on AgentryTool { name }
        ... on AgentrySource { name agentCount }
      } }`,
    );
    expect(r.body.errors).toBeUndefined();
    const placeholder = (ref: string, source: string, name: string) => ({
      __typename: "Agent",
      ref,
      name,
      placeholder: true,
      tools: [],
      source: { name: source, agentCount: 0 },
    });
    expect(r.entities).toEqual([
      placeholder("acme-platform/nobody", "acme-platform", "nobody"),
      expect.objectContaining({ __typename: "Agent", ref: "not-a-ref", placeholder: true, tools: [] }),
      null,
      null,
      {
        __typename: "Agent",
        ref: "solo-dev/commit-helper",
        name: "commit-helper",
        placeholder: false,
        tools: expect.any(Array),
        source: { name: "solo-dev", agentCount: 2 },
      },
      null,
      null,
      { __typename: "AgentrySource", name: "no-such-source", agentCount: 0 },
    ]);
  });

  it("resolves skills by ref, tools and sources by name: one statement per type", async () => {
    const r = await entities([
      { __typename: "Skill", ref: "acme-platform/migration-safety" },
      { __typename: "AgentryTool", name: "Read" },
      { __typename: "AgentrySource", name: "acme-platform" },
      { __typename: "Skill", ref: "community-agents/sql-explain-reading" },
      { __typename: "AgentryTool", name: "Bash" },
      { __typename: "AgentrySource", name: "solo-dev" },
      { __typename: "Agent", ref: "acme-platform/api-designer" },
      { __typename: "AgentryTool", name: "Read" },
    ]);
    expect(r.body.errors).toBeUndefined();
    expect(r.entities).toEqual([
      { __typename: "Skill", ref: "acme-platform/migration-safety", name: "migration-safety" },
      { __typename: "AgentryTool", name: "Read", kind: "BUILTIN" },
      { __typename: "AgentrySource", name: "acme-platform", agentCount: 10 },
      { __typename: "Skill", ref: "community-agents/sql-explain-reading", name: "sql-explain-reading" },
      { __typename: "AgentryTool", name: "Bash", kind: "BUILTIN" },
      { __typename: "AgentrySource", name: "solo-dev", agentCount: 2 },
      expect.objectContaining({ __typename: "Agent", ref: "acme-platform/api-designer" }),
      { __typename: "AgentryTool", name: "Read", kind: "BUILTIN" },
    ]);
    expect(r.statements).toBe(4);
  });

  it("keeps nested fields batched: 10 agents with tools, skills and source cost 3 statements", async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Agent { ref tools { name } skills { name } source { name } }
    } }`;
    const two = await entities(agents(AGENT_REFS.slice(0, 2)), query);
    const ten = await entities(agents(AGENT_REFS), query);
    expect(ten.body.errors).toBeUndefined();
    expect(ten.entities[0].tools.length).toBeGreaterThan(0);
    // Agents, their tools and skills (one statement), their sources.
    expect(two.statements).toBe(3);
    expect(ten.statements).toBe(3);
  });

  it("refuses a type that is not an entity here, for that representation only", async () => {
    const r = await entities([
      { __typename: "Collaboration", id: "1" },
      { __typename: "Agent", ref: "solo-dev/commit-helper" },
    ]);
    expect(r.body.errors?.[0]).toMatchObject({
      message: "Collaboration is not an entity of this subgraph",
      path: ["_entities", 0],
    });
    expect(r.entities[1]).toMatchObject({ ref: "solo-dev/commit-helper" });
  });

  it("refuses a representation that is not an object with a __typename", async () => {
    const r = await gql<any>(
      app,
      `{ _entities(representations: [{ ref: "solo-dev/commit-helper" }]) { __typename } }`,
    );
    expect(r.body.errors?.[0]?.message).toMatch(/__typename/);
    const inline = await gql<any>(
      app,
      `{ _entities(representations: [{ __typename: "Agent", ref: "solo-dev/commit-helper" }]) { ... on Agent { name } } }`,
    );
    expect(inline.body.data._entities).toEqual([{ name: "commit-helper" }]);
  });

  it("applies the API's depth and cost limits to entity lookups", async () => {
    const deep = await gql<any>(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Agent {
        variants { variants { variants { variants { variants { variants { variants { variants {
          variants { variants { variants { variants { name } } } } } } } } } } } } } } }`,
      { r: agents(["solo-dev/commit-helper"]) },
    );
    expect(deep.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    // Each representation multiplies the selection's cost, as `first` does for a page.
    const many = await entities(
      agents(Array.from({ length: 5000 }, (_, i) => `solo-dev/agent-${i}`)),
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Agent { name tools { name } } } }`,
    );
    expect(many.body.errors?.[0]?.extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: "complexity",
    });
    expect(many.statements).toBe(0);
  });
});
