// The Node app (graphql-jit included, as src/node.ts builds it) answers the operation that was
// asked for, and its errors look like the Worker's: locations on every error, and the standard
// graphql-js message for an operation type this schema has no root for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeApp } from "../../src/node.js";
import type { App } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const [pglite] = await driverCases();

async function post(app: App, body: Record<string, unknown>) {
  const response = await app.fetch(
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

describe("the Node app's operations", () => {
  let t: TestDatabase;
  let app: App;
  const logger = captureLogger();
  beforeAll(async () => {
    t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    app = createNodeApp(t.database, { AGENTRY_CACHE: "off" }, logger);
  });
  afterAll(() => t?.cleanup());

  const DOC = `query A { sources(first: 1) { nodes { name } } }
query B { agent(ref: "acme-platform/api-designer") { ... on Agent { name } } }`;

  it("answers each operation of a document by its name, whichever was compiled first", async () => {
    for (let round = 0; round < 2; round++) {
      expect((await post(app, { query: DOC, operationName: "A" })).body).toEqual({
        data: { sources: { nodes: [{ name: "acme-platform" }] } },
      });
      expect((await post(app, { query: DOC, operationName: "B" })).body).toEqual({
        data: { agent: { name: "api-designer" } },
      });
    }
  });

  // Yoga's own check, before any executor: the same words on the Worker (see test/parity).
  it("refuses a document of several operations without a name, or with an unknown one", async () => {
    const none = await post(app, { query: DOC });
    expect(none.body.errors?.[0]?.message).toBe("Could not determine what operation to execute.");
    const unknown = await post(app, { query: DOC, operationName: "C" });
    expect(unknown.body.errors?.[0]?.message).toBe("Could not determine what operation to execute.");
  });

  it("says this schema has no subscriptions, not 'Unexpected error.'", async () => {
    const r = await post(app, { query: "subscription S { x }" });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        message: "this API has no subscription operations, only queries and mutations",
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      },
    ]);
    expect(logger.lines.filter((l) => l.message === "unexpected error")).toEqual([]);
  });

  it("refuses an unknown mutation field as a validation error, before any resolver", async () => {
    const r = await post(app, { query: "mutation M { x }" });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        message: 'Cannot query field "x" on type "Mutation".',
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
    expect(logger.lines.filter((l) => l.message === "unexpected error")).toEqual([]);
  });

  it("gives a resolver's error its locations", async () => {
    const r = await post(app, { query: "{\n  agents(first: -1) { totalCount }\n}" });
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        message: "first: must be at least 1",
        locations: [{ line: 2, column: 3 }],
        path: ["agents"],
        extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }),
      }),
    ]);
  });
});
