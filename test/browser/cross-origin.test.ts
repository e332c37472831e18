// A graph view on another origin, in a real browser: a page served from one port calls the API
// on another with fetch() (JSON POSTs, so Chromium sends a preflight first) and must be able
// to read every answer and its x-request-id: an agentGraph answered from the whole-response
// cache, one computed, and a plain query. An origin AGENTRY_CORS_ORIGINS does not list cannot.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeApp } from "../../src/node.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, listen } from "../support/app.js";
import { chromiumAvailable, launchChromium } from "../support/chromium.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { GRAPH_QUERY, SIMPLE_QUERY } from "../support/response-headers.js";

const available = chromiumAvailable("the cross-origin browser test");

interface Seen {
  ok: boolean;
  status?: number;
  requestId?: string | null;
  cache?: string | null;
  body?: { data?: any; errors?: unknown[] };
  error?: string;
}

/** Runs in the page: fetch() POSTs of the queries to the API, reading what the page may read. */
async function postFromPage(args: { api: string; queries: string[] }): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const query of args.queries) {
    try {
      const r = await fetch(args.api, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify({ query }),
      });
      out.push({
        ok: true,
        status: r.status,
        requestId: r.headers.get("x-request-id"),
        // Not exposed: the page must not see it (only x-request-id is).
        cache: r.headers.get("x-agentry-cache"),
        body: await r.json(),
      });
    } catch (e) {
      out.push({ ok: false, error: String(e) });
    }
  }
  return out;
}

async function servePage(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>graph view</title><p>another origin</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe.runIf(available)("the API from a page on another origin, in Chromium", () => {
  let t: TestDatabase;
  let cachedApi: Awaited<ReturnType<typeof listen>>;
  let uncachedApi: Awaited<ReturnType<typeof listen>>;
  let listedApi: Awaited<ReturnType<typeof listen>>;
  let page: { url: string; server: Server };
  let browser: Browser;
  beforeAll(async () => {
    const [pglite] = await driverCases();
    t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    cachedApi = await listen(createNodeApp(t.database, {}, captureLogger()));
    uncachedApi = await listen(createNodeApp(t.database, { AGENTRY_CACHE: "off" }, captureLogger()));
    listedApi = await listen(
      createNodeApp(t.database, { AGENTRY_CORS_ORIGINS: "https://graph.example" }, captureLogger()),
    );
    page = await servePage();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (page?.server ? page.server.close(() => resolve()) : resolve()));
    for (const api of [cachedApi, uncachedApi, listedApi]) await api?.close();
    await t?.cleanup();
  });

  it("reads a cached and an uncached agentGraph and a plain query, with their request ids", async () => {
    const tab = await browser.newPage();
    await tab.goto(page.url);
    expect(new URL(page.url).port).not.toBe(new URL(cachedApi.url).port);
    const [miss, hit, plain] = await tab.evaluate(postFromPage, {
      api: `${cachedApi.url}/graphql`,
      queries: [GRAPH_QUERY, GRAPH_QUERY, SIMPLE_QUERY],
    });
    const [computed] = await tab.evaluate(postFromPage, {
      api: `${uncachedApi.url}/graphql`,
      queries: [GRAPH_QUERY],
    });
    for (const seen of [miss, hit, plain, computed]) {
      expect(seen).toMatchObject({ ok: true, status: 200, requestId: expect.stringMatching(/^[\w-]{36}$/) });
      expect(seen!.body?.errors).toBeUndefined();
      expect(seen!.cache).toBeNull();
    }
    expect(hit!.body).toEqual(miss!.body);
    expect(computed!.body).toEqual(miss!.body);
    expect(miss!.body?.data.agentGraph.nodes.map((n: any) => n.agent.ref)).toContain(
      "acme-platform/api-designer",
    );
    expect(plain!.body?.data.sources.nodes.length).toBeGreaterThan(0);
    expect(new Set([miss, hit, plain, computed].map((s) => s!.requestId)).size).toBe(4);
    // The cache did serve the second graph: the server says so (the page may not read it).
    const direct = await fetch(`${cachedApi.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: GRAPH_QUERY }),
    });
    expect(direct.headers.get("x-agentry-cache")).toBe("graph");
    await direct.body?.cancel();
    await tab.close();
  });

  it("cannot read the API from an origin AGENTRY_CORS_ORIGINS does not list", async () => {
    const tab = await browser.newPage();
    await tab.goto(page.url);
    const seen = await tab.evaluate(postFromPage, {
      api: `${listedApi.url}/graphql`,
      queries: [GRAPH_QUERY, SIMPLE_QUERY],
    });
    expect(seen.map((s) => s.ok)).toEqual([false, false]);
    expect(seen[0]!.error).toContain("Failed to fetch");
    await tab.close();
  });
});
