// AGENTRY_READ_ACCESS (issue 16 point 3, decision 0023): `public` (the default) lets anonymous
// callers read the public sources; `token` lets them do nothing: every operation, GET or POST,
// is a 401 before its body is read or any SQL runs, while health checks still answer and a key
// reads as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { importFiles } from "../../src/catalog/import.js";
import { readAuthConfig } from "../../src/config.js";
import { type App, createApp } from "../../src/server/app.js";
import { captureLogger } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const pglite = (await driverCases()).find((c) => c.driver === "pglite")!;
const QUERY = "{ agents(first: 5) { totalCount nodes { ref } } }";

function post(app: App, authorization?: string): Promise<Response> {
  return app.fetch(
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ query: QUERY }),
    }),
  );
}

describe("read access", () => {
  let t: TestDatabase;
  let token: string;
  beforeAll(async () => {
    t = await pglite.open();
    await importFiles(
      t.database,
      [{ path: "agents/scout.md", text: "---\nname: scout\ndescription: Looks around.\n---\nBody.\n" }],
      { source: "team" },
    );
    token = (await createKey(t.database.db, { name: "reader", scopes: ["read"] })).token;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const app = (readAccess: string) =>
    createApp({
      database: t.database,
      logger: captureLogger(),
      rateLimit: false,
      auth: readAuthConfig({ AGENTRY_READ_ACCESS: readAccess }),
    });

  it("answers anonymous callers by default (public)", async () => {
    const r = await post(app("public"));
    expect(r.status).toBe(200);
    expect((await r.json()).data.agents.totalCount).toBe(1);
  });

  it("refuses every anonymous operation with token, before any SQL, and says what to send", async () => {
    const closed = app("token");
    const before = t.database.statements;
    const r = await post(closed);
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="agentry"');
    expect(await r.json()).toEqual({
      errors: [
        {
          message:
            "this API answers only callers with a credential: send Authorization: Bearer <API key or JWT>",
          extensions: { code: "UNAUTHENTICATED", requestId: expect.any(String) },
        },
      ],
    });
    const get = await closed.fetch(
      new Request(`http://agentry.test/graphql?query=${encodeURIComponent(QUERY)}`, {
        headers: { accept: "application/graphql-response+json", "x-graphql-yoga-csrf": "1" },
      }),
    );
    expect(get.status).toBe(401);
    expect(t.database.statements - before).toBe(0);
    // Health checks are not operations.
    expect((await closed.fetch(new Request("http://agentry.test/healthz"))).status).toBe(200);
  });

  it("answers a key with read as before, with token", async () => {
    const r = await post(app("token"), `Bearer ${token}`);
    expect(r.status).toBe(200);
    expect((await r.json()).data.agents).toEqual({ totalCount: 1, nodes: [{ ref: "team/scout" }] });
  });
});
