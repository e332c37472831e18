// graphql-jit answers as graphql-js does where it once did not: aliases named `__proto__`
// (its generated object literals made them prototypes, so `{ __proto__: __typename }` answered
// `{}`). Compared here rather than in test/parity: vitest cannot hand a `__proto__` key from
// its global setup to the workerd tests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { captureLogger, gql, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const [pglite] = await driverCases();

const QUERIES = [
  "{ __proto__: __typename constructor: __typename }",
  '{ __proto__: agent(ref: "acme-platform/api-designer") { __typename ... on Agent { __proto__: name hasOwnProperty: ref } } }',
  "{ agents(first: 3) { nodes { __proto__: name toString: ref } } }",
];

describe("graphql-jit and graphql-js on hostile aliases", () => {
  let t: TestDatabase;
  let jit: App;
  let js: App;
  beforeAll(async () => {
    t = await pglite!.open();
    await loadExamplesIfEmpty(t.database);
    jit = testApp(t.database);
    js = createApp({ database: t.database, logger: captureLogger() });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each(QUERIES)("%s", async (query) => {
    const a = await gql(jit, query);
    const b = await gql(js, query);
    expect(a.status).toBe(200);
    expect(a.body.errors).toBeUndefined();
    // Compared as text: a `__proto__` key is an own property only in JSON.
    expect(JSON.stringify(a.body)).toBe(JSON.stringify(b.body));
    expect(JSON.stringify(a.body)).toContain('"__proto__":');
  });
});
