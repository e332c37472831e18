// A hung Redis (SIGSTOP: its socket stays open, nothing answers) behind the Upstash REST
// stand-in: a Redis of this test's own, never the shared one. Counted at the stand-in, which
// sees every HTTP request and connection of the cache client:
// - every request still answers correctly, and none waits for a write to the cache;
// - each timed-out call is aborted: its connection is closed while Redis is still frozen, so
//   connections do not pile up (before: one more per timed-out call, about 31 per second);
// - after N failures the breaker opens and calls stop reaching the stand-in at all;
// - after SIGCONT one probe reaches it after the delay, the breaker closes, the cache serves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphCache, ResilientStore, UpstashStore } from "../../src/cache/index.js";
import { createApp } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, gql } from "../support/app.js";
import { driverCases, servicesRequired, type TestDatabase } from "../support/databases.js";
import { type Freezable, redisServerAvailable, startPrivateRedis } from "../support/frozen-services.js";
import { startUpstashRest, type UpstashRest } from "../support/upstash-rest.js";

const pg = (await driverCases()).find((c) => c.driver === "pg");
const redisServer = redisServerAvailable();
if (!pg || !redisServer) {
  if (servicesRequired())
    throw new Error("the frozen-Redis tests need the local PostgreSQL and redis-server");
  console.warn("SKIPPED: the frozen-Redis tests need the local PostgreSQL and redis-server");
}

const GRAPH = `query ($roots: [String!]!, $depth: Int) { agentGraph(roots: $roots, depth: $depth, kinds: [HANDOFF], direction: OUT) {
  __typename ... on AgentGraph { nodes { depth agent { name } } edges { kind } }
} }`;
const ROOTS = [
  "acme-platform/api-designer",
  "acme-platform/release-captain",
  "acme-platform/qa-engineer",
  "acme-platform/docs-writer",
];
const TIMEOUT_MS = 200;
const BREAK_AFTER = 4;
const HALF_OPEN_MS = 4000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

describe.runIf(pg && redisServer)("a frozen Redis behind the graph cache", () => {
  let t: TestDatabase;
  let redis: Freezable & { url: string };
  let rest: UpstashRest;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    rest = await startUpstashRest({ redisUrl: redis.url });
    t = await pg!.open();
    await loadExamplesIfEmpty(t.database);
  }, 60_000);
  afterAll(async () => {
    redis?.thaw();
    await rest?.close();
    await redis?.stop();
    await t?.cleanup();
  });

  it("answers every request, closes timed-out calls, stops calling once open, and recovers after SIGCONT", async () => {
    const logger = captureLogger();
    const store = new ResilientStore(new UpstashStore({ url: rest.url, token: rest.token }), {
      timeoutMs: TIMEOUT_MS,
      logIntervalMs: 60_000,
      log: logger.error,
      breakAfter: BREAK_AFTER,
      halfOpenAfterMs: HALF_OPEN_MS,
      maxPendingSets: 4,
    });
    const cache = new GraphCache(store, 60, `agentry-frozen-${process.pid}-${Date.now()}`);
    const app = createApp({ database: t.database, logger, graphCache: cache });
    const plain = createApp({ database: t.database, logger: captureLogger() });
    const ask = (a: typeof app, root: string, depth: number) => gql<any>(a, GRAPH, { roots: [root], depth });
    // What each request must answer: the same query with no cache at all.
    const expected = new Map<string, unknown>();
    for (const root of ROOTS)
      for (const depth of [1, 2, 3]) expected.set(`${root}:${depth}`, (await ask(plain, root, depth)).body);
    const check = async (root: string, depth: number) => {
      const r = await ask(app, root, depth);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(expected.get(`${root}:${depth}`));
      return r;
    };

    // Healthy: a miss, its write, then a hit.
    await check(ROOTS[0]!, 1);
    await store.settled();
    expect((await check(ROOTS[0]!, 1)).headers.get("x-agentry-cache")).toBe("graph");
    expect(store.errors).toBe(0);

    // Idle keep-alive connections of the healthy calls (the burst may reuse them).
    const idle = rest.connections.open;
    let openedAt = 0;
    redis.freeze();
    try {
      // A miss: its get times out (aborted), the graph is computed, its write starts, and the
      // response arrives while that write is still out: the request did not wait for it.
      const events: string[] = [];
      const response = check(ROOTS[1]!, 1).then(() =>
        events.push(`response (writes out: ${store.pendingSets})`),
      );
      await response;
      await store.settled().then(() => events.push("write settled"));
      expect(events).toEqual(["response (writes out: 1)", "write settled"]);
      expect(store.errors).toBe(2); // the get and the write, both timed out
      expect(store.state).toBe("closed");

      // Twelve requests at once, each a different graph: every one answers; their calls time
      // out together and open the breaker. Their connections are closed although Redis is
      // still frozen: none is left waiting for it.
      const burst = ROOTS.flatMap((root) => [1, 2, 3].map((depth) => ({ root, depth })));
      await Promise.all(burst.map(({ root, depth }) => check(root, depth)));
      expect(store.state).toBe("open");
      expect(store.opened).toBe(1);
      openedAt = Date.now();
      // Every timed-out call was closed by the client while Redis is still frozen: none is
      // left waiting at the stand-in, and the connections open are at most the burst's.
      const waiting = () => rest.requests - rest.answered - rest.abandoned;
      expect(await until(() => waiting() === 0, 3000)).toBe(true);
      expect(rest.abandoned).toBe(store.timeouts);
      expect(rest.connections.open).toBeLessThanOrEqual(idle + burst.length);
      expect(store.timeouts).toBe(store.errors);

      // Open: twenty more requests (well within the delay), and not one call reaches the
      // stand-in.
      const reached = rest.requests;
      for (let i = 0; i < 20; i++) await check(ROOTS[i % ROOTS.length]!, 1 + (i % 3));
      expect(rest.requests).toBe(reached);
      expect(store.shortCircuited).toBeGreaterThanOrEqual(20);
      expect(logger.lines.filter((l) => l.message.startsWith("cache circuit open"))).toHaveLength(1);
      // And the client's idle keep-alive connections end too (the stand-in closes them after
      // 5 s idle): with Redis still frozen, none is left open.
      expect(await until(() => rest.connections.open === 0, 10_000)).toBe(true);
      expect(rest.requests).toBe(reached);
    } finally {
      redis.thaw();
    }

    // Back: after the delay the next request's get probes the stand-in; it answers, the
    // breaker closes, and writes and hits resume.
    await until(() => Date.now() - openedAt > HALF_OPEN_MS + 100, HALF_OPEN_MS + 1000);
    const reached = rest.requests;
    await check(ROOTS[2]!, 2);
    expect(rest.requests).toBeGreaterThan(reached);
    expect(store.state).toBe("closed");
    expect(logger.lines.filter((l) => l.message.startsWith("cache circuit closed"))).toHaveLength(1);
    await store.settled();
    expect((await check(ROOTS[2]!, 2)).headers.get("x-agentry-cache")).toBe("graph");
  }, 60_000);
});
