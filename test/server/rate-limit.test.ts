// Limits per caller (src/server/rate-limit.ts, docs/decisions/0021-rate-limits.md), on the
// local PostgreSQL: the in-process window, the shared one in real Redis through the Upstash
// REST stand-in, and a frozen Redis (a private redis-server, SIGSTOP) that must not stop reads.
import { readFileSync } from "node:fs";
import { getIntrospectionQuery, Kind, type OperationDefinitionNode, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphCache, MemoryStore } from "../../src/cache/index.js";
import { ConfigError, DEFAULT_RATE_LIMIT_POINTS, readHttpConfig } from "../../src/config.js";
import { schema } from "../../src/graphql/schema.js";
import { createNodeApp } from "../../src/node.js";
import { type App, createApp } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { checkOperation } from "../../src/server/limits-plugin.js";
import {
  callerKey,
  createRateLimitBackend,
  MemoryRateLimit,
  UpstashRateLimit,
} from "../../src/server/rate-limit.js";
import { graphqlBlocks } from "../docs/graphql-examples.js";
import { captureLogger, testApp } from "../support/app.js";
import { driverCases, servicesRequired, type TestDatabase } from "../support/databases.js";
import { type Freezable, redisServerAvailable, startPrivateRedis } from "../support/frozen-services.js";
import { startUpstashRest, type UpstashRest } from "../support/upstash-rest.js";

const pg = (await driverCases()).find((c) => c.driver === "pg");
const redisServer = redisServerAvailable();
if (!pg || !redisServer) {
  if (servicesRequired()) throw new Error("the rate-limit tests need the local PostgreSQL and redis-server");
  console.warn("SKIPPED: the rate-limit tests need the local PostgreSQL and redis-server");
}

const PAGE = "{ agents(first: 20) { nodes { ref name } } }";
const costOf = (query: string, operationName?: string) =>
  checkOperation(schema, parse(query), operationName ?? null, {})!.cost;

async function ask(
  app: App,
  query: string,
  address = "192.0.2.1",
  extra: { headers?: Record<string, string>; operationName?: string } = {},
) {
  const response = await app.fetch(
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...extra.headers,
      },
      body: JSON.stringify({ query, operationName: extra.operationName }),
    }),
    undefined,
    { address },
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as { data?: any; errors?: { message: string; extensions?: any }[] },
  };
}

const uniquePrefix = () => `rl-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe("configuration", () => {
  it("is on by default, with the measured default", () => {
    const c = readHttpConfig({});
    expect(c.rateLimit).toEqual({ enabled: true, pointsPerMinute: DEFAULT_RATE_LIMIT_POINTS });
    expect(DEFAULT_RATE_LIMIT_POINTS).toBe(500_000);
    expect(c.trustProxy).toBe(false);
    expect(
      readHttpConfig({ AGENTRY_RATE_LIMIT: "off", AGENTRY_RATE_LIMIT_POINTS: "9000" }).rateLimit,
    ).toEqual({
      enabled: false,
      pointsPerMinute: 9000,
    });
  });

  it.each([
    ["AGENTRY_RATE_LIMIT", "maybe"],
    ["AGENTRY_RATE_LIMIT_POINTS", "lots"],
    ["AGENTRY_RATE_LIMIT_POINTS", "0"],
    ["AGENTRY_RATE_LIMIT_POINTS", "1.5"],
    ["AGENTRY_TRUST_PROXY", "yes please"],
  ])("a malformed %s=%s stops start-up, naming it", (name, value) => {
    expect(() => readHttpConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readHttpConfig({ [name]: value })).toThrow(name);
    expect(() => createRateLimitBackend({ [name]: value }, () => {})).toThrow(name);
  });

  it("picks Upstash when its URL and token are set, even with the graph cache off", () => {
    const upstash = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "t" };
    expect(createRateLimitBackend(upstash, () => {})?.kind).toBe("upstash");
    expect(createRateLimitBackend({ ...upstash, AGENTRY_CACHE: "off" }, () => {})?.kind).toBe("upstash");
    expect(createRateLimitBackend({}, () => {})?.kind).toBe("memory");
    expect(createRateLimitBackend({ AGENTRY_RATE_LIMIT: "off" }, () => {})).toBeNull();
  });
});

describe("callerKey", () => {
  const request = (headers: Record<string, string> = {}) => new Request("http://x/graphql", { headers });
  it("is the socket's address, IPv4-mapped addresses as IPv4", () => {
    expect(callerKey(request(), { address: "203.0.113.9" })).toBe("ip:203.0.113.9");
    expect(callerKey(request(), { address: "::ffff:127.0.0.1" })).toBe("ip:127.0.0.1");
    expect(callerKey(request(), { address: "2001:DB8::1" })).toBe("ip:2001:db8::1");
    expect(callerKey(request(), {})).toBe("ip:unknown");
  });
  it("takes X-Forwarded-For's first hop only when the proxy is trusted", () => {
    const r = request({ "x-forwarded-for": "198.51.100.7, 10.0.0.1" });
    expect(callerKey(r, { address: "10.0.0.1" })).toBe("ip:10.0.0.1");
    expect(callerKey(r, { address: "10.0.0.1" }, true)).toBe("ip:198.51.100.7");
    expect(callerKey(request(), { address: "10.0.0.1" }, true)).toBe("ip:10.0.0.1");
  });
});

describe.runIf(pg && redisServer)("limits per caller", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await pg!.open();
    await loadExamplesIfEmpty(t.database);
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it("answers under the limit with the RateLimit headers, and refuses over it with 429 and no SQL", async () => {
    const cost = costOf(PAGE);
    expect(cost).toBeGreaterThan(1);
    const limit = 2 * cost + cost / 2;
    const app = testApp(t.database, captureLogger(), { rateLimit: new MemoryRateLimit(limit) });
    const first = await ask(app, PAGE);
    expect(first.status).toBe(200);
    expect(first.body.data.agents.nodes.length).toBeGreaterThan(0);
    expect(first.headers.get("ratelimit-policy")).toBe(`"per-caller";q=${limit};w=60`);
    expect(first.headers.get("ratelimit")).toMatch(new RegExp(`^"per-caller";r=${limit - cost};t=\\d+$`));
    expect(first.headers.get("retry-after")).toBeNull();
    expect((await ask(app, PAGE)).status).toBe(200);

    const before = t.database.statements;
    const refused = await ask(app, PAGE);
    expect(t.database.statements - before).toBe(0);
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toHaveLength(1);
    const [error] = refused.body.errors!;
    expect(error!.extensions.code).toBe("RATE_LIMITED");
    expect(error!.message).toMatch(new RegExp(`${limit} points per 60 s per caller.*retry in \\d+ s`));
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit-policy")).toBe(`"per-caller";q=${limit};w=60`);
    expect(refused.headers.get("ratelimit")).toMatch(/^"per-caller";r=0;t=\d+$/);
    // Refused at the door from now on (the window is spent): still no SQL, still 429.
    const again = await ask(app, PAGE);
    expect(again.status).toBe(429);
    expect(again.body.errors![0]!.extensions.code).toBe("RATE_LIMITED");
    expect(t.database.statements - before).toBe(0);
  });

  it("charges a graph-cache hit what its miss cost, and refuses it over the limit without SQL", async () => {
    const GRAPH =
      '{ agentGraph(roots: ["acme-platform/api-designer"], depth: 2) { ... on AgentGraph { nodes { agent { ref } } } } }';
    const cost = costOf(GRAPH);
    expect(cost).toBeGreaterThan(10);
    const limit = 2 * cost + cost / 2;
    const app = createApp({
      database: t.database,
      logger: captureLogger(),
      graphCache: new GraphCache(new MemoryStore(1 << 20), 60, uniquePrefix()),
      rateLimit: new MemoryRateLimit(limit),
    });
    const miss = await ask(app, GRAPH);
    expect(miss.status).toBe(200);
    expect(miss.body.data.agentGraph.nodes.length).toBeGreaterThan(1);
    expect(miss.headers.get("ratelimit")).toMatch(new RegExp(`^"per-caller";r=${limit - cost};t=`));
    // Until this change a hit paid the door's 1 point: r would be limit - cost - 1.
    const hit = await ask(app, GRAPH);
    expect(hit.headers.get("x-agentry-cache")).toBe("graph");
    expect(hit.headers.get("ratelimit")).toMatch(new RegExp(`^"per-caller";r=${limit - 2 * cost};t=`));
    const before = t.database.statements;
    const refused = await ask(app, GRAPH);
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0]!.extensions.code).toBe("RATE_LIMITED");
    // The generation check ran (the hit needs it to find the entry); no resolver did.
    expect(t.database.statements - before).toBeLessThanOrEqual(1);
  });

  it("limits two callers separately", async () => {
    const cost = costOf(PAGE);
    const app = testApp(t.database, captureLogger(), { rateLimit: new MemoryRateLimit(cost) });
    expect((await ask(app, PAGE, "192.0.2.10")).status).toBe(200);
    expect((await ask(app, PAGE, "192.0.2.10")).status).toBe(429);
    expect((await ask(app, PAGE, "192.0.2.11")).status).toBe(200);
    expect((await ask(app, PAGE, "192.0.2.11")).status).toBe(429);
  });

  it("charges a request refused before execution 1 point, so garbage floods are limited", async () => {
    const app = testApp(t.database, captureLogger(), { rateLimit: new MemoryRateLimit(3) });
    const garbage = ["{ agents(", "{ nope }", `{ ${"a: __typename ".repeat(31)} }`];
    for (const q of garbage) {
      const r = await ask(app, q);
      expect(r.status).toBe(400);
      expect(r.headers.get("ratelimit")).toMatch(/^"per-caller";r=\d;t=\d+$/);
    }
    const fourth = await ask(app, "{ agents(");
    expect(fourth.status).toBe(429);
    expect(fourth.body.errors![0]!.extensions.code).toBe("RATE_LIMITED");
  });

  it("never limits /healthz, /readyz, /metrics or the GraphiQL page", async () => {
    const app = createNodeApp(
      t.database,
      { AGENTRY_RATE_LIMIT_POINTS: "1", AGENTRY_CACHE: "off" },
      captureLogger(),
    );
    const peer = { address: "192.0.2.20" };
    expect((await ask(app, "{ __typename }", peer.address)).status).toBe(200);
    expect((await ask(app, "{ __typename }", peer.address)).status).toBe(429);
    for (let i = 0; i < 3; i++)
      for (const [path, accept] of [
        ["/healthz", "*/*"],
        ["/readyz", "*/*"],
        ["/metrics", "*/*"],
        ["/graphql", "text/html"],
      ] as const) {
        const r = await app.fetch(
          new Request(`http://agentry.test${path}`, { headers: { accept } }),
          undefined,
          peer,
        );
        expect(r.status, path).toBe(200);
        expect(r.headers.get("ratelimit"), path).toBeNull();
        await r.arrayBuffer();
      }
  });

  it("lets GraphiQL's start and every README example through under the default, and stops a loop of the most expensive", async () => {
    const app = createNodeApp(t.database, { AGENTRY_CACHE: "off" }, captureLogger());
    const address = "192.0.2.30";
    const introspection = await ask(app, getIntrospectionQuery(), address);
    expect(introspection.status).toBe(200);
    const readme = graphqlBlocks(readFileSync("README.md", "utf8"), "README.md");
    let spent = costOf(getIntrospectionQuery());
    let operations = 0;
    let priciest = { query: "", name: "", cost: 0 };
    for (const block of readme) {
      const document = parse(block.text);
      for (const d of document.definitions) {
        if (d.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = (d as OperationDefinitionNode).name?.value;
        const r = await ask(app, block.text, address, { ...(name ? { operationName: name } : {}) });
        expect(r.status, `${block.where} ${name}`).toBe(200);
        const cost = costOf(block.text, name);
        spent += cost;
        operations++;
        if (cost > priciest.cost) priciest = { query: block.text, name: name ?? "", cost };
      }
    }
    expect(operations).toBeGreaterThanOrEqual(7);
    // The measurement decision 0021 quotes.
    expect(spent).toBe(250_172);
    expect(priciest.cost).toBe(95_160);
    // The same budget the same minute: a script looping the priciest is refused within 6 tries
    // on a fresh caller (5 fit in 500,000), and this caller, half spent, sooner.
    const looper = "192.0.2.31";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await ask(app, priciest.query, looper, { operationName: priciest.name })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  describe("shared in Redis through Upstash's REST protocol", () => {
    let rest: UpstashRest;
    beforeAll(async () => {
      rest = await startUpstashRest({});
    });
    afterAll(async () => {
      await rest?.close();
    });

    it("two app instances on one Redis share one budget", async () => {
      const cost = costOf(PAGE);
      const prefix = uniquePrefix();
      const backend = () =>
        new UpstashRateLimit({
          url: rest.url,
          token: rest.token,
          limit: 2 * cost,
          prefix,
          timeoutMs: 2000,
          breakAfter: 5,
          halfOpenAfterMs: 5000,
          log: () => {},
        });
      const a = backend();
      const b = backend();
      const appA = testApp(t.database, captureLogger(), { rateLimit: a });
      const appB = testApp(t.database, captureLogger(), { rateLimit: b });
      const before = rest.requests;
      expect((await ask(appA, PAGE)).status).toBe(200);
      const second = await ask(appB, PAGE);
      expect(second.status).toBe(200);
      expect(second.headers.get("ratelimit")).toMatch(/^"per-caller";r=0;t=\d+$/);
      const third = await ask(appA, PAGE);
      expect(third.status).toBe(429);
      expect(third.body.errors![0]!.extensions.code).toBe("RATE_LIMITED");
      expect((await ask(appB, PAGE)).status).toBe(429);
      // Another caller still has its own budget.
      expect((await ask(appB, PAGE, "192.0.2.99")).status).toBe(200);
      expect(rest.requests - before).toBeGreaterThanOrEqual(6);
      expect(a.fallbacks + b.fallbacks).toBe(0);
    });
  });

  describe("a frozen Redis behind Upstash", () => {
    let redis: Freezable & { url: string };
    let rest: UpstashRest;
    beforeAll(async () => {
      redis = await startPrivateRedis();
      rest = await startUpstashRest({ redisUrl: redis.url });
    }, 30_000);
    afterAll(async () => {
      redis?.thaw();
      await rest?.close();
      await redis?.stop();
    });

    it("fails open: every request is answered, limited in process, logged once", async () => {
      const cost = costOf(PAGE);
      const logger = captureLogger();
      const backend = new UpstashRateLimit({
        url: rest.url,
        token: rest.token,
        limit: 3 * cost,
        prefix: uniquePrefix(),
        timeoutMs: 200,
        breakAfter: 4,
        halfOpenAfterMs: 60_000,
        log: logger.error,
      });
      const app = testApp(t.database, logger, { rateLimit: backend });
      expect((await ask(app, PAGE)).status).toBe(200);
      expect(backend.fallbacks).toBe(0);
      redis.freeze();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await ask(app, PAGE, "192.0.2.40");
        statuses.push(r.status);
        expect(r.headers.get("ratelimit-policy")).toBe(`"per-caller";q=${3 * cost};w=60`);
      }
      // The in-process fallback still limits: 3 pages fit, the 4th does not.
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Each page charged twice (the door, then the rest), the 4th refused at the door: 7, all
      // in process; after 4 failures (2 requests) the breaker stops calling Upstash at all.
      expect(backend.fallbacks).toBe(7);
      const reached = rest.requests;
      expect((await ask(app, PAGE, "192.0.2.41")).status).toBe(200);
      expect(rest.requests).toBe(reached);
      // Timed-out calls were aborted: their connections were given up, not left waiting.
      expect(rest.abandoned).toBe(4);
      const lines = logger.lines.filter((l) => l.message.startsWith("rate limit: Upstash failed"));
      expect(lines).toHaveLength(1);
    });
  });
});
