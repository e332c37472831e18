// One response path on Node: an agentGraph answered from the whole-response cache carries the
// same request id, CORS and content headers as one Yoga computed, over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorsConfig } from "../../src/config.js";
import { createNodeApp } from "../../src/node.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, listen } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import {
  crossOriginPost,
  GRAPH_QUERY,
  headerProfile,
  SECURITY_HEADERS,
  SIMPLE_QUERY,
} from "../support/response-headers.js";

const [pglite] = await driverCases();

describe("response headers on Node", () => {
  let t: TestDatabase;
  let cached: Awaited<ReturnType<typeof listen>>;
  let uncached: Awaited<ReturnType<typeof listen>>;
  let listed: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    cached = await listen(createNodeApp(t.database, {}, captureLogger()));
    uncached = await listen(createNodeApp(t.database, { AGENTRY_CACHE: "off" }, captureLogger()));
    listed = await listen(
      createNodeApp(
        t.database,
        { AGENTRY_CORS_ORIGINS: "http://page.example:9000, https://graph.example", AGENTRY_CACHE: "off" },
        captureLogger(),
      ),
    );
  });
  afterAll(async () => {
    await cached?.close();
    await uncached?.close();
    await listed?.close();
    await t?.cleanup();
  });

  it("gives a cache hit, a cache miss, an uncached graph and a plain query the same headers", async () => {
    const miss = await fetch(crossOriginPost(`${cached.url}/graphql`, GRAPH_QUERY));
    const hit = await fetch(crossOriginPost(`${cached.url}/graphql`, GRAPH_QUERY));
    const off = await fetch(crossOriginPost(`${uncached.url}/graphql`, GRAPH_QUERY));
    const plain = await fetch(crossOriginPost(`${cached.url}/graphql`, SIMPLE_QUERY));
    expect(hit.headers.get("x-agentry-cache")).toBe("graph");
    expect(off.headers.get("x-agentry-cache")).toBeNull();
    const expected = {
      "access-control-allow-origin": "*",
      "access-control-expose-headers":
        "x-request-id, WWW-Authenticate, RateLimit, RateLimit-Policy, Retry-After",
      "content-length": "<n>",
      "content-type": "application/graphql-response+json; charset=utf-8",
      // npm start limits each caller (decision 0021), a cache hit too.
      ratelimit: '"per-caller";r=<n>;t=<n>',
      "ratelimit-policy": '"per-caller";q=500000;w=60',
      "x-request-id": "<id>",
      ...SECURITY_HEADERS,
    };
    for (const r of [miss, hit, off, plain]) expect(headerProfile(r.headers)).toEqual(expected);
    const bodies = await Promise.all([miss, hit, off].map((r) => r.json()));
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    await plain.body?.cancel();
  });

  it("returns the client's request id on a cached answer, and a new one per request otherwise", async () => {
    const given = crossOriginPost(`${cached.url}/graphql`, GRAPH_QUERY);
    given.headers.set("x-request-id", "trace-42");
    expect((await fetch(given)).headers.get("x-request-id")).toBe("trace-42");
    const a = await fetch(crossOriginPost(`${cached.url}/graphql`, GRAPH_QUERY));
    const b = await fetch(crossOriginPost(`${cached.url}/graphql`, GRAPH_QUERY));
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it("answers a preflight with the methods, the asked headers and a max age", async () => {
    const r = await fetch(`${cached.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: "http://page.example:9000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-request-id",
      },
    });
    expect(r.status).toBe(204);
    expect(headerProfile(r.headers)).toEqual({
      allow: "GET, POST, OPTIONS",
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "content-type, x-request-id",
      "access-control-expose-headers": "x-request-id, WWW-Authenticate",
      "access-control-max-age": "7200",
      vary: "Access-Control-Request-Headers",
      "x-request-id": "<id>",
      ...SECURITY_HEADERS,
    });
    expect(r.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("allows only the listed origins when AGENTRY_CORS_ORIGINS lists some", async () => {
    const allowed = await fetch(crossOriginPost(`${listed.url}/graphql`, GRAPH_QUERY));
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://page.example:9000");
    expect(allowed.headers.get("vary")).toContain("Origin");
    const other = await fetch(crossOriginPost(`${listed.url}/graphql`, GRAPH_QUERY, "http://evil.example"));
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("x-request-id")).toBeTruthy();
    const preflight = await fetch(`${listed.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-methods")).toBeNull();
  });

  it("decorates health, metrics and the redirect too", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics", "/"]) {
      const r = await fetch(`${cached.url}${path}`, {
        headers: { origin: "http://x.example" },
        redirect: "manual",
      });
      expect([path, r.headers.get("access-control-allow-origin")]).toEqual([path, "*"]);
      expect(r.headers.get("x-request-id")).toBeTruthy();
      await r.body?.cancel();
    }
  });

  it("refuses an AGENTRY_CORS_ORIGINS entry that is not an origin, naming it", () => {
    expect(() => readCorsConfig({ AGENTRY_CORS_ORIGINS: "https://a.example/app" })).toThrow(
      /AGENTRY_CORS_ORIGINS: "https:\/\/a.example\/app" is not an origin/,
    );
    expect(readCorsConfig({}).origins).toBe("*");
    expect(readCorsConfig({ AGENTRY_CORS_ORIGINS: "https://A.example/" }).origins).toEqual(
      new Set(["https://a.example"]),
    );
  });
});
