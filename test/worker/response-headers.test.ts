// One response path inside workerd: an agentGraph answered from the whole-response cache
// (Upstash through its REST protocol) carries the same request id, CORS and content headers as
// one Yoga computed, and so do the preflight and the Worker's own failure answer.
import { describe, expect, inject, it } from "vitest";
import worker from "../../src/worker.js";
import {
  crossOriginPost,
  GRAPH_QUERY,
  headerProfile,
  SECURITY_HEADERS,
  SIMPLE_QUERY,
} from "../support/response-headers.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd header tests are skipped");

const URL_ = "http://agentry.worker/graphql";

describe.runIf(env)("response headers on the Worker", () => {
  const cached = { ...env!, AGENTRY_CACHE_PREFIX: `${env?.AGENTRY_CACHE_PREFIX}-headers` };
  const uncached = { ...env!, AGENTRY_CACHE: "off" };

  it("gives a cache hit, a cache miss, an uncached graph and a plain query the same headers", async () => {
    const miss = await worker.fetch(crossOriginPost(URL_, GRAPH_QUERY), cached);
    const hit = await worker.fetch(crossOriginPost(URL_, GRAPH_QUERY), cached);
    const off = await worker.fetch(crossOriginPost(URL_, GRAPH_QUERY), uncached);
    const plain = await worker.fetch(crossOriginPost(URL_, SIMPLE_QUERY), cached);
    expect(hit.headers.get("x-agentry-cache")).toBe("graph");
    expect(off.headers.get("x-agentry-cache")).toBeNull();
    // No content-length at this level on workerd (Yoga sets none here; the runtime adds it).
    const expected = {
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "x-request-id, WWW-Authenticate",
      "content-type": "application/graphql-response+json; charset=utf-8",
      "x-request-id": "<id>",
      ...SECURITY_HEADERS,
    };
    for (const r of [miss, hit, off, plain]) expect(headerProfile(r.headers)).toEqual(expected);
    const bodies = await Promise.all([miss, hit, off].map((r) => r.json()));
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    await plain.text();
  });

  it("returns the client's request id on a cached answer", async () => {
    const request = crossOriginPost(URL_, GRAPH_QUERY);
    request.headers.set("x-request-id", "trace-7");
    const r = await worker.fetch(request, cached);
    expect(r.headers.get("x-agentry-cache")).toBe("graph");
    expect(r.headers.get("x-request-id")).toBe("trace-7");
    await r.text();
  });

  it("answers a preflight, and allows only the listed origins when AGENTRY_CORS_ORIGINS is set", async () => {
    const preflight = (origin: string) =>
      new Request(URL_, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const any = await worker.fetch(preflight("http://page.example:9000"), cached);
    expect(any.status).toBe(204);
    expect(headerProfile(any.headers)).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "7200",
    });
    const listed = {
      ...uncached,
      AGENTRY_CORS_ORIGINS: "http://page.example:9000",
      AGENTRY_CORS_MAX_AGE_SECONDS: "60",
    };
    const ok = await worker.fetch(preflight("http://page.example:9000"), listed);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://page.example:9000");
    expect(ok.headers.get("access-control-max-age")).toBe("60");
    const refused = await worker.fetch(crossOriginPost(URL_, GRAPH_QUERY, "http://evil.example"), listed);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(refused.headers.get("vary")).toContain("Origin");
    await refused.text();
  });

  it("decorates the answer of a Worker that could not start", async () => {
    const { DATABASE_URL: _omit, ...broken } = env!;
    const r = await worker.fetch(crossOriginPost(URL_, SIMPLE_QUERY), broken);
    expect(r.status).toBe(503);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await r.json()) as { errors: { extensions: { requestId: string } }[] };
    expect(body.errors[0]!.extensions.requestId).toBe(r.headers.get("x-request-id"));
  });
});
