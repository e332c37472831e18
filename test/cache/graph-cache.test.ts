// The agent-graph cache, against the real Redis through the Upstash REST stand-in and against
// the in-memory store: the same tests for both. Freshness across instances after a write,
// single flight, Redis failing (dead port, stopped mid-run) and coming back, metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphCache, MemoryStore, ResilientStore, UpstashStore } from "../../src/cache/index.js";
import { preloadResilience } from "../../src/cache/resilient.js";
import type { CacheStore } from "../../src/cache/store.js";
import type { Database } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { createApp } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, gql } from "../support/app.js";
import { driverCases, servicesRequired, type TestDatabase } from "../support/databases.js";
import { freePort, redisForwarder } from "../support/redis-forwarder.js";
import { startUpstashRest, type UpstashRest } from "../support/upstash-rest.js";

// cockatiel is imported lazily (src/cache/resilient.ts); stores made after this call it at once.
await preloadResilience();

const pg = (await driverCases()).find((c) => c.driver === "pg");
const redisUp = await fetch("http://127.0.0.1:6379").then(
  () => true,
  (e: Error & { cause?: { code?: string } }) => e.cause?.code !== "ECONNREFUSED",
);
if (!pg || !redisUp) {
  if (servicesRequired()) throw new Error("the cache tests need the local PostgreSQL and Redis");
  console.warn("SKIPPED: the cache tests need the local PostgreSQL and Redis");
}

const GRAPH = `query ($roots: [String!]!, $depth: Int) { agentGraph(roots: $roots, depth: $depth, kinds: [HANDOFF], direction: OUT) {
  __typename ... on AgentGraph { nodes { depth agent { name } } edges { kind } }
} }`;

const names = (body: any) => body.data.agentGraph.nodes.map((n: any) => n.agent.name).sort();
const log = () => captureLogger();
const resilient = (store: CacheStore, logger = log()) =>
  new ResilientStore(store, { timeoutMs: 500, logIntervalMs: 60_000, log: logger.error });

describe.runIf(pg && redisUp)("agent graph cache", () => {
  let t: TestDatabase;
  let rest: UpstashRest;
  let prefix = 0;
  beforeAll(async () => {
    t = await pg!.open({ recordStatements: true });
    await loadExamplesIfEmpty(t.database);
    rest = await startUpstashRest({});
  });
  afterAll(async () => {
    await rest?.close();
    await t?.cleanup();
  });

  // Each test gets keys of its own in the shared Redis: a fresh generation is not enough, since
  // tests run the same catalog.
  const stores: Record<string, () => CacheStore> = {
    upstash: () => new UpstashStore({ url: rest.url, token: rest.token }),
    memory: () => new MemoryStore(8 * 1024 * 1024),
  };

  function appWith(database: Database, store: CacheStore, logger = log(), keyPrefix?: string) {
    // Every app of a test run gets its own key prefix unless told to share one: tests share the
    // Redis, and so do runs.
    const cache = new GraphCache(
      store,
      60,
      keyPrefix ?? `agentry-test-${process.pid}-${Date.now()}-${prefix++}`,
    );
    return { app: createApp({ database, logger, graphCache: cache }), cache, logger };
  }

  for (const [kind, make] of Object.entries(stores)) {
    describe(`with the ${kind} store`, () => {
      it("stores, serves and bounds values", async () => {
        const store = make();
        const key = `agentry:test:${process.pid}:${kind}:${Date.now()}`;
        expect(await store.get(key)).toBeNull();
        await store.set(key, '{"a":1}', 60);
        expect(await store.get(key)).toBe('{"a":1}');
        if (store instanceof MemoryStore) {
          const small = new MemoryStore(1000);
          for (let i = 0; i < 50; i++) await small.set(`k${i}`, "x".repeat(100), 60);
          expect(small.size).toBeLessThanOrEqual(1000);
          expect(await small.get("k0")).toBeNull();
          expect(await small.get("k49")).toBe("x".repeat(100));
        }
      });

      it("serves a cached graph with one statement, and a changed graph right after a write", async () => {
        const shared = make();
        const sharedPrefix = `agentry-test-${process.pid}-${Date.now()}-shared-${kind}`;
        // Two instances, each with its own database pool, sharing the cache: for Upstash two
        // clients of the same Redis; for memory the same store object (one process).
        const other = await t.reopen();
        const a = appWith(t.database, kind === "upstash" ? make() : shared, log(), sharedPrefix);
        const b = appWith(other, shared, log(), sharedPrefix);
        const roots = ["acme-platform/release-captain"];
        // Instance A computes and caches the graph; instance B finds it in the shared cache.
        const first = await gql<any>(a.app, GRAPH, { roots, depth: 2 });
        expect(names(first.body)).toContain("docs-writer");
        expect(names(first.body)).not.toContain(`status-page-${kind}`);
        const before = other.statements;
        const again = await gql<any>(b.app, GRAPH, { roots, depth: 2 });
        expect(again.body).toEqual(first.body);
        expect(b.cache.metrics.hits).toBe(1);
        // A hit reads the generation and returns the stored response body: one statement.
        expect(other.statements - before).toBe(1);
        expect(again.headers.get("x-agentry-cache")).toBe("graph");

        // A write through instance A's database: release-captain now also hands off to a new
        // agent. B reads right after the import returns.
        const report = await importFiles(
          t.database,
          [
            {
              path: `plugins/delivery/agents/status-page-${kind}.md`,
              text: `---\nname: status-page-${kind}\ndescription: Posts status updates.\n---\nBody.\n`,
            },
            {
              path: "plugins/delivery/agents/release-captain.md",
              text: `${(await gql<any>(a.app, `{ agent(ref: "acme-platform/release-captain") { ... on Agent { markdown } } }`)).body.data.agent.markdown}\n### Downstream Deliverables (Provides Output To)\n- **status-page-${kind}** ← release notes\n`,
            },
          ],
          { source: "acme-platform" },
        );
        expect(report.failed).toEqual([]);
        const after = await gql<any>(b.app, GRAPH, { roots, depth: 2 });
        expect(names(after.body)).toEqual([...names(first.body), `status-page-${kind}`].sort());
      });

      it("computes 20 identical concurrent misses once (single flight)", async () => {
        const { app, cache } = appWith(t.database, make());
        t.database.log.length = 0;
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            gql<any>(app, GRAPH, { roots: ["acme-platform/api-designer"], depth: 3 }),
          ),
        );
        for (const r of results) expect(r.body).toEqual(results[0]!.body);
        const traversals = t.database.log.filter((q) => /with recursive/i.test(q));
        expect(traversals).toHaveLength(1);
        expect(cache.metrics.misses).toBe(1);
        // The others joined the computation, or (admitted after it ended: at most
        // AGENTRY_MAX_CONCURRENT_REQUESTS are worked on at once) found its result.
        expect(cache.metrics.joined).toBeGreaterThan(0);
        expect(cache.metrics.joined + cache.metrics.hits).toBe(19);
      });
    });
  }

  it("answers from the database when Redis is unreachable, logging once", async () => {
    const logger = log();
    const dead = await freePort();
    const store = resilient(new UpstashStore({ url: `http://127.0.0.1:${dead}`, token: "x" }), logger);
    const { app } = appWith(t.database, store, logger);
    for (let i = 0; i < 3; i++) {
      const r = await gql<any>(app, GRAPH, { roots: ["acme-platform/api-designer"], depth: 1 });
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.agentGraph.nodes.length).toBeGreaterThan(1);
    }
    // At most three gets and three writes (not awaited by the requests: settled here).
    // (A request may also find the value of a write still out: no call at all.)
    await store.settled();
    expect(store.errors).toBeGreaterThanOrEqual(2);
    expect(store.errors + store.shortCircuited).toBeLessThanOrEqual(6);
    expect(logger.lines.filter((l) => l.message.startsWith("cache unavailable"))).toHaveLength(1);
  });

  it("keeps answering when Redis stops mid-run, and uses the cache again when it is back", async () => {
    const logger = log();
    const port = await freePort();
    const forwarder = redisForwarder(port);
    await forwarder.start();
    const behind = await startUpstashRest({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      const store = resilient(new UpstashStore({ url: behind.url, token: behind.token }), logger);
      const { app, cache } = appWith(t.database, store, logger);
      const ask = () => gql<any>(app, GRAPH, { roots: ["acme-platform/qa-engineer"], depth: 2 });
      const first = await ask();
      await store.settled(); // the write is not awaited by the request
      await ask();
      expect(cache.metrics.hits).toBe(1);

      await forwarder.stop();
      const during = await ask();
      expect(during.body).toEqual(first.body);
      expect(store.errors).toBeGreaterThan(0);

      await forwarder.start();
      await new Promise((r) => setTimeout(r, 1500));
      const hitsBefore = cache.metrics.hits;
      let back = false;
      for (let i = 0; i < 10 && !back; i++) {
        await ask();
        back = cache.metrics.hits > hitsBefore;
        if (!back) await new Promise((r) => setTimeout(r, 300));
      }
      expect(back).toBe(true);
    } finally {
      await behind.close();
      await forwarder.stop();
    }
  });

  it("shows hits and misses at /metrics in Prometheus format", async () => {
    const { app } = appWith(t.database, new MemoryStore(1024 * 1024));
    await gql(app, GRAPH, { roots: ["acme-platform/docs-writer"], depth: 1 });
    await gql(app, GRAPH, { roots: ["acme-platform/docs-writer"], depth: 1 });
    const text = await (await app.fetch(new Request("http://agentry.test/metrics"))).text();
    expect(text).toContain('agentry_graph_cache_requests_total{result="hit",store="memory"} 1');
    expect(text).toContain('agentry_graph_cache_requests_total{result="miss",store="memory"} 1');
    expect(text).toMatch(/# TYPE agentry_graph_cache_requests_total counter/);
  });
});
