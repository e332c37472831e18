// Limits per caller inside workerd (src/server/rate-limit.ts): the caller is CF-Connecting-IP,
// and with Upstash bound (the REST stand-in over the local Redis) the budget is shared by every
// app the Worker builds: two binding sets here are two apps, as two isolates would be.
import { describe, expect, inject, it } from "vitest";
import worker, { type Env } from "../../src/worker.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd rate-limit tests are skipped");

const PREFIX = `${env?.AGENTRY_CACHE_PREFIX}-rl-${Date.now()}`;

async function ask(bindings: Env, address: string, query = "{ __typename }", path = "/graphql") {
  const response = await worker.fetch(
    new Request(`http://agentry.worker${path}`, {
      method: path === "/graphql" ? "POST" : "GET",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        "cf-connecting-ip": address,
      },
      ...(path === "/graphql" ? { body: JSON.stringify({ query }) } : {}),
    }),
    bindings,
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as any };
}

describe.runIf(env)("limits per caller on the Worker", () => {
  const limited: Env = {
    ...env!,
    AGENTRY_RATE_LIMIT: "on",
    AGENTRY_RATE_LIMIT_POINTS: "3",
    AGENTRY_CACHE_PREFIX: PREFIX,
  };
  // Another app (other bindings) on the same Upstash and prefix: another isolate.
  const twin: Env = { ...limited, AGENTRY_CACHE_TIMEOUT_MS: "2000" };

  it("answers under the limit with RateLimit headers and refuses over it with 429, RATE_LIMITED and Retry-After, shared by two apps", async () => {
    const first = await ask(limited, "198.51.100.1");
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe('"per-caller";q=3;w=60');
    expect(first.headers.get("ratelimit")).toMatch(/^"per-caller";r=2;t=\d+$/);
    expect((await ask(twin, "198.51.100.1")).headers.get("ratelimit")).toMatch(/^"per-caller";r=1;t=\d+$/);
    expect((await ask(limited, "198.51.100.1")).status).toBe(200);
    const refused = await ask(twin, "198.51.100.1");
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe("RATE_LIMITED");
    expect(refused.body.errors[0].message).toMatch(/3 points per 60 s per caller.*retry in \d+ s/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit")).toMatch(/^"per-caller";r=0;t=\d+$/);
    expect((await ask(limited, "198.51.100.1")).status).toBe(429);
    // Another address has its own budget.
    expect((await ask(limited, "198.51.100.2")).status).toBe(200);
  });

  it("charges a query its cost", async () => {
    const costly: Env = {
      ...limited,
      AGENTRY_RATE_LIMIT_POINTS: "100000",
      AGENTRY_CACHE_PREFIX: `${PREFIX}-cost`,
    };
    const r = await ask(costly, "198.51.100.3", "{ agents(first: 20) { nodes { ref name } } }");
    expect(r.status).toBe(200);
    const remaining = Number(/r=(\d+)/.exec(r.headers.get("ratelimit") ?? "")?.[1]);
    expect(remaining).toBeLessThan(100_000 - 1);
  });

  it("never limits /healthz or /readyz", async () => {
    const spent: Env = {
      ...limited,
      AGENTRY_RATE_LIMIT_POINTS: "1",
      AGENTRY_CACHE_PREFIX: `${PREFIX}-health`,
    };
    expect((await ask(spent, "198.51.100.4")).status).toBe(200);
    expect((await ask(spent, "198.51.100.4")).status).toBe(429);
    for (const path of ["/healthz", "/readyz", "/healthz"]) {
      const r = await ask(spent, "198.51.100.4", "", path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("ratelimit")).toBeNull();
    }
  });
});
