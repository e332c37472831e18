// The Worker end to end inside workerd, against the real Postgres through the Neon stand-ins.
import { describe, expect, inject, it } from "vitest";
import worker, { readWorkerConfig } from "../../src/worker.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd tests are skipped");

async function gql(query: string, variables: Record<string, unknown> = {}, bindings = env!) {
  const response = await worker.fetch(
    new Request("http://agentry.worker/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    }),
    bindings,
  );
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe.runIf(env)("the Worker in workerd", () => {
  it("runs inside workerd", () => {
    expect(typeof navigator !== "undefined" && navigator.userAgent).toBe("Cloudflare-Workers");
  });

  it("answers an agent query", async () => {
    const r = await gql(
      `{ agent(ref: "acme-platform/api-designer") { __typename ... on Agent { ref model { family } tools { name tier } variants { ref } } } }`,
    );
    expect(r.status).toBe(200);
    expect(r.body.data.agent).toMatchObject({
      __typename: "Agent",
      ref: "acme-platform/api-designer",
      model: { family: "OPUS" },
      variants: [{ ref: "community-agents/api-designer" }],
    });
  });

  it("answers agentGraph", async () => {
    const r =
      await gql(`{ agentGraph(roots: ["acme-platform/api-designer"], depth: 3, kinds: [HANDOFF], direction: OUT) {
      ... on AgentGraph { truncated nodes { depth agent { name } } } } }`);
    const depth = Object.fromEntries(r.body.data.agentGraph.nodes.map((n: any) => [n.agent.name, n.depth]));
    expect(depth).toMatchObject({
      "api-designer": 0,
      "backend-engineer": 1,
      "release-captain": 2,
      "docs-writer": 3,
    });
  });

  it("caches agentGraph in Redis through the Upstash REST protocol", async () => {
    const query = `{ agentGraph(roots: ["acme-platform/qa-engineer"], depth: 2) { ... on AgentGraph { nodes { agent { name } } } } }`;
    const first = await gql(query);
    const second = await gql(query);
    expect(second.body).toEqual(first.body);
    const metrics = await (await worker.fetch(new Request("http://agentry.worker/metrics"), env!)).text();
    expect(metrics).toMatch(/agentry_graph_cache_requests_total\{result="hit",store="upstash"\} [1-9]/);
  });

  it("returns a validation error as a typed result", async () => {
    const r = await gql(
      `{ agentGraph(roots: ["acme-platform/api-designer"], depth: 9) { __typename ... on AgentryInvalidInputError { issues { path message } } } }`,
    );
    expect(r.body.data.agentGraph).toEqual({
      __typename: "AgentryInvalidInputError",
      issues: [{ path: "depth", message: "at most 4" }],
    });
  });

  it("returns a not-found as a typed result", async () => {
    const r = await gql(
      `{ agent(ref: "acme-platform/nobody") { __typename ... on AgentryNotFoundError { ref } } }`,
    );
    expect(r.body.data.agent).toEqual({ __typename: "AgentryNotFoundError", ref: "acme-platform/nobody" });
  });

  it("refuses a missing or malformed binding with a message naming it", () => {
    const { DATABASE_URL: _omit, ...rest } = env!;
    expect(() => readWorkerConfig(rest)).toThrow(/DATABASE_URL is required/);
    expect(() => readWorkerConfig({ ...env!, DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL/,
    );
    expect(() => readWorkerConfig({ ...env!, AGENTRY_DB_DRIVER: "pg" })).toThrow(/AGENTRY_DB_DRIVER/);
    expect(readWorkerConfig(env!)).toMatchObject({ driver: "neon-http", url: env!.DATABASE_URL });
  });
});
