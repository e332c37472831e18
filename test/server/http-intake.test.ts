// What the HTTP surface does with what it is sent, before any GraphQL work: bodies limited as
// they stream in (on the cached path too), refusals that do not echo the input, form and GET
// requests held to CSRF rules, security headers on every answer, the production switches, and
// one catch outside Yoga that never shows the error's own text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeApp } from "../../src/node.js";
import type { App } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { type CapturedLogger, captureLogger } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";
import { GRAPH_QUERY, SIMPLE_QUERY } from "../support/response-headers.js";

const [pglite] = await driverCases();
const URL_ = "http://agentry.test/graphql";

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    ...({ duplex: "half" } as object),
  });
}

/** A body that streams `chunks` chunks of `size` bytes, counting how many were pulled. */
function countingStream(
  chunks: number,
  size: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new TextEncoder().encode(" ".repeat(size));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe("HTTP intake", () => {
  let t: TestDatabase;
  let app: App;
  let logger: CapturedLogger;
  beforeAll(async () => {
    t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    logger = captureLogger();
    app = createNodeApp(t.database, { AGENTRY_MAX_BODY_BYTES: "65536" }, logger);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("refuses a body whose declared length is over the limit, without reading it", async () => {
    const { stream, pulled } = countingStream(1000, 1024);
    const response = await app.fetch(post(stream, { "content-length": String(1000 * 1024) }));
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.errors[0]!.message).toContain("65536 bytes");
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it("stops reading a streamed body as soon as it passes the limit, on the cached path too", async () => {
    // No content length: the limit holds while it streams (the graph cache read it whole).
    const { stream, pulled } = countingStream(10_000, 1024);
    const response = await app.fetch(post(stream));
    expect(response.status).toBe(413);
    // 64 KiB allowed: the 65th chunk passes it; a few more may be queued by the stream.
    expect(pulled()).toBeLessThan(70);
  });

  it("answers invalid JSON with where it broke, not with what was sent", async () => {
    const junk = `{"query": "${"x".repeat(20_000)}`;
    const response = await app.fetch(post(junk));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.length).toBeLessThan(300);
    expect(text).toContain("not valid JSON");
    expect(text).not.toContain("xxxxxxxxxx");
  });

  it("names the field of a body that is JSON but not a GraphQL request", async () => {
    for (const [body, where] of [
      ['{"query": 5}', "query"],
      ['{"query": "{ __typename }", "variables": [1]}', "variables"],
      ["[1, 2]", "the body"],
    ] as const) {
      const response = await app.fetch(post(body));
      expect(response.status).toBe(400);
      const { errors } = (await response.json()) as { errors: { message: string }[] };
      expect(errors[0]!.message.startsWith(`${where}:`)).toBe(true);
    }
  });

  it("refuses form, multipart and text/plain posts (any site can send them), never running them", async () => {
    for (const type of [
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "text/plain",
    ]) {
      const response = await app.fetch(
        post(`query=${encodeURIComponent(SIMPLE_QUERY)}`, { "content-type": type }),
      );
      expect(response.status).toBe(415);
      const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]!.extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("runs a GET query only with a header a cross-site page cannot send without a preflight", async () => {
    const url = `${URL_}?query=${encodeURIComponent(SIMPLE_QUERY)}`;
    const bare = await app.fetch(new Request(url));
    expect(bare.status).toBe(403);
    const withHeader = await app.fetch(new Request(url, { headers: { "x-graphql-yoga-csrf": "1" } }));
    expect(withHeader.status).toBe(200);
    const { data } = (await withHeader.json()) as { data: { sources: { nodes: unknown[] } } };
    expect(data.sources.nodes.length).toBeGreaterThan(0);
  });

  it("sets the security headers on every answer: GraphQL, cached graphs, health and errors", async () => {
    const answers = [
      await app.fetch(post(JSON.stringify({ query: SIMPLE_QUERY }))),
      await app.fetch(post(JSON.stringify({ query: GRAPH_QUERY }))),
      await app.fetch(post(JSON.stringify({ query: GRAPH_QUERY }))),
      await app.fetch(new Request("http://agentry.test/healthz")),
      await app.fetch(post("{")),
    ];
    expect(answers[2]!.headers.get("x-agentry-cache")).toBe("graph");
    for (const r of answers) {
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
      expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(r.headers.get("strict-transport-security")).toBeNull();
    }
    const https = await app.fetch(new Request("https://agentry.test/healthz"));
    expect(https.headers.get("strict-transport-security")).toContain("max-age=");
    const page = await app.fetch(new Request(URL_, { headers: { accept: "text/html" } }));
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
  });

  it("turns GraphiQL, introspection and metrics off when told to", async () => {
    const off = createNodeApp(
      t.database,
      { AGENTRY_GRAPHIQL: "off", AGENTRY_INTROSPECTION: "off", AGENTRY_METRICS: "off" },
      captureLogger(),
    );
    const on = createNodeApp(t.database, {}, captureLogger());
    const page = (a: App) => a.fetch(new Request(URL_, { headers: { accept: "text/html" } }));
    expect((await page(on)).headers.get("content-type")).toContain("text/html");
    expect((await page(off)).headers.get("content-type") ?? "").not.toContain("text/html");
    const metrics = (a: App) => a.fetch(new Request("http://agentry.test/metrics"));
    expect((await metrics(on)).status).toBe(200);
    expect((await metrics(off)).status).toBe(404);
    const introspect = (a: App) =>
      a.fetch(post(JSON.stringify({ query: "{ __schema { queryType { name } } }" })));
    const allowed = (await (await introspect(on)).json()) as { data?: unknown };
    expect(allowed.data).toEqual({ __schema: { queryType: { name: "Query" } } });
    const refused = (await (await introspect(off)).json()) as {
      data?: unknown;
      errors: { message: string }[];
    };
    expect(refused.data).toBeUndefined();
    expect(refused.errors[0]!.message).toContain("introspection");
    // A federation gateway still reads the subgraph's SDL.
    const sdl = (await (await off.fetch(post(JSON.stringify({ query: "{ _service { sdl } }" })))).json()) as {
      data: { _service: { sdl: string } };
    };
    expect(sdl.data._service.sdl).toContain("type Agent");
  });
});

describe("failures outside Yoga", () => {
  it("answers a cached-path failure as a masked 500 and logs its cause once, without parameters", async () => {
    const t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    const logger = captureLogger();
    const app = createNodeApp(t.database, {}, logger);
    await t.database.close();
    const response = await app.fetch(
      post(JSON.stringify({ query: GRAPH_QUERY, variables: { secret: "s3cr3t" } })),
    );
    const text = await response.text();
    expect(text).not.toMatch(/select|from "|\.ts:|node_modules/i);
    const body = JSON.parse(text) as {
      errors: { message: string; extensions: { code: string; requestId: string } }[];
    };
    for (const e of body.errors) {
      expect(e.message).toBe("Unexpected error.");
      expect(e.extensions.code).toBe("INTERNAL_SERVER_ERROR");
    }
    const requestId = response.headers.get("x-request-id");
    const lines = logger.lines.filter((l) => l.level === "error" && l.fields?.requestId === requestId);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain("s3cr3t");
    expect(JSON.stringify(lines)).not.toContain("params:");
    await t.cleanup().catch(() => {});
  });
});
