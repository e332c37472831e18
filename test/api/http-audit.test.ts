// GraphQL over HTTP done right: the graphql-http package's server audits, every MUST and
// SHOULD, against the real server on a loopback port.
import { auditServer } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, testApp } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const [pglite] = await driverCases();

describe("GraphQL over HTTP audits", () => {
  let t: TestDatabase;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await pglite!.open();
    server = await listen(testApp(t.database));
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it("passes every MUST and SHOULD", async () => {
    const results = await auditServer({ url: `${server.url}/graphql` });
    const failures = results
      .filter((r) => r.status !== "ok" && (r.name.startsWith("MUST") || r.name.startsWith("SHOULD")))
      .map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`);
    expect(failures).toEqual([]);
    expect(results.filter((r) => r.name.startsWith("MUST")).length).toBeGreaterThan(10);
  });
});
