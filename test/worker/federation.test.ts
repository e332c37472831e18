// The federated schema inside workerd: the Worker serves the subgraph (`_service`, `_entities`)
// as the Node server does, against the real Postgres through the Neon stand-ins.
import { describe, expect, inject, it } from "vitest";
import worker from "../../src/worker.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd federation tests are skipped");

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const response = await worker.fetch(
    new Request("http://agentry.worker/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    }),
    env!,
  );
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe.runIf(env)("the Worker as a federation subgraph", () => {
  it("answers _service { sdl } with the subgraph SDL", async () => {
    const r = await gql("{ _service { sdl } }");
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const sdl: string = r.body.data._service.sdl;
    expect(sdl).toContain(
      '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@tag", "@cost", "@listSize"])',
    );
    // node/nodes are Agentry's own, not offered to a supergraph (decision 0020).
    expect(sdl).not.toMatch(/^\s+nodes?\(/m);
    expect(sdl).toContain('type Agent implements Node\n  @key(fields: "id")\n  @key(fields: "ref")');
    expect(sdl).toMatch(/type Skill\s+@key\(fields: "ref"\)/);
    expect(sdl).toMatch(/type AgentryTool\s+@key\(fields: "name"\)/);
    expect(sdl).toMatch(/type AgentrySource implements Node\s+@key\(fields: "name"\)/);
  });

  it("resolves an agent entity by ref", async () => {
    const r = await gql(
      `{ _entities(representations: [{__typename: "Agent", ref: "acme-platform/api-designer"}]) {
        __typename ... on Agent { ref name model { family } source { name } } } }`,
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data._entities).toEqual([
      {
        __typename: "Agent",
        ref: "acme-platform/api-designer",
        name: "api-designer",
        model: { family: "OPUS" },
        source: { name: "acme-platform" },
      },
    ]);
  });

  it("resolves a batch of every entity type, a placeholder for an agent ref to nothing", async () => {
    const r = await gql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { __typename
        ... on Agent { ref placeholder } ... on Skill { ref } ... on AgentryTool { name } ... on AgentrySource { name } } }`,
      {
        r: [
          { __typename: "Agent", ref: "community-agents/api-designer" },
          { __typename: "Skill", ref: "acme-platform/release-checklist" },
          { __typename: "AgentryTool", name: "Read" },
          { __typename: "AgentrySource", name: "solo-dev" },
          { __typename: "Agent", ref: "acme-platform/nobody" },
        ],
      },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data._entities).toEqual([
      { __typename: "Agent", ref: "community-agents/api-designer", placeholder: false },
      { __typename: "Skill", ref: "acme-platform/release-checklist" },
      { __typename: "AgentryTool", name: "Read" },
      { __typename: "AgentrySource", name: "solo-dev" },
      { __typename: "Agent", ref: "acme-platform/nobody", placeholder: true },
    ]);
  });
});
