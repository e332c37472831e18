// Both of the Worker's database drivers inside workerd, through the local Neon stand-ins:
// several requests in a row and at once, and a database that is unreachable after start is a
// failed request with its id, not a failed start. A WebSocket pool kept in the isolate failed
// every second request (workerd forbids I/O on a socket another request opened), which only
// shows when requests arrive as requests: worker.fetch called from a test runs them all in the
// test's one request context, SELF.fetch sends each in its own (its bindings, set in
// vitest.workers.config.ts, are the same database on neon-ws).
/// <reference path="../../node_modules/@cloudflare/vitest-pool-workers/types/cloudflare-test.d.ts" />
import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/worker.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd driver tests are skipped");

const AGENT = `{ agent(ref: "acme-platform/api-designer") { ... on Agent { ref tools { name } } } }`;

async function post(bindings: Record<string, string>, query: string) {
  const response = await worker.fetch(
    new Request("http://agentry.worker/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    }),
    bindings,
  );
  return {
    status: response.status,
    requestId: response.headers.get("x-request-id"),
    body: (await response.json()) as { data?: any; errors?: any[] },
  };
}

describe.runIf(env).each(["neon-http", "neon-ws"])("the Worker on %s", (driver) => {
  const bindings = {
    ...env!,
    AGENTRY_DB_DRIVER: driver,
    AGENTRY_CACHE_PREFIX: `${env?.AGENTRY_CACHE_PREFIX}-${driver}`,
  };
  afterEach(() => vi.restoreAllMocks());

  it("answers five requests in a row", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await post(bindings, AGENT);
      expect([i, r.status, r.body.errors]).toEqual([i, 200, undefined]);
      expect(r.body.data.agent.ref).toBe("acme-platform/api-designer");
    }
  });

  it("answers requests at once, an agentGraph (the cached path) among them", async () => {
    const graph = `{ agentGraph(roots: ["acme-platform/qa-engineer"], depth: 2) { ... on AgentGraph { nodes { agent { name } } } } }`;
    const results = await Promise.all([AGENT, graph, AGENT, graph, AGENT].map((q) => post(bindings, q)));
    expect(results.map((r) => [r.status, r.body.errors])).toEqual(results.map(() => [200, undefined]));
    expect(results[1]!.body).toEqual(results[3]!.body);
  });

  it("answers a database unreachable after start as failed requests, not as a failed start", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => {
      errors.push(String(line));
    });
    const url = new URL(env!.DATABASE_URL!);
    url.port = "1"; // nothing listens there
    const down = {
      ...bindings,
      DATABASE_URL: url.toString(),
      AGENTRY_CACHE_PREFIX: `${bindings.AGENTRY_CACHE_PREFIX}-down`,
    };
    for (const query of [AGENT, `{ agentGraph(roots: ["acme-platform/api-designer"]) { __typename } }`]) {
      const r = await post(down, query);
      expect(r.body.errors).toEqual([
        expect.objectContaining({
          message: "Unexpected error.",
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: r.requestId },
        }),
      ]);
    }
    expect(errors.filter((l) => l.includes("worker failed to start"))).toEqual([]);
    expect(errors.filter((l) => l.includes('"unexpected error"')).length).toBeGreaterThanOrEqual(2);
    // And the same Worker still answers from the database that is up.
    expect((await post(bindings, AGENT)).status).toBe(200);
  });
});

describe.runIf(env)("the Worker on neon-ws, each call a request of its own", () => {
  const send = async (query: string) => {
    const r: Response = await SELF.fetch("http://agentry.worker/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    return { status: r.status, body: (await r.json()) as { data?: any; errors?: any[] } };
  };

  it("answers six requests in a row", async () => {
    for (let i = 0; i < 6; i++) {
      const r = await send(AGENT);
      expect([i, r.status, r.body.errors]).toEqual([i, 200, undefined]);
      expect(r.body.data.agent.ref).toBe("acme-platform/api-designer");
    }
  });

  it("answers six requests at once, agentGraphs (the cached path) among them", async () => {
    const graph = `{ agentGraph(roots: ["acme-platform/api-designer"], depth: 2) { ... on AgentGraph { nodes { agent { name } } } } }`;
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all([AGENT, graph, AGENT, graph, AGENT, graph].map(send));
      expect(results.map((r) => [r.status, r.body.errors])).toEqual(results.map(() => [200, undefined]));
      expect(results[3]!.body).toEqual(results[1]!.body);
    }
  });
});
