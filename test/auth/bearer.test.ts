// API keys through the real app (issue 16 points 2 and 6, decision 0023), on PGlite and on
// node-postgres: a live key is a caller, everything else that claims to be one is refused with
// the same 401 (and `WWW-Authenticate: Bearer error="invalid_token"`), a revoked or expired key
// fails on the next request on every instance, a database that cannot answer is 503 (not 401,
// not 500), each key has its own rate budget, and no token ever appears in a response, a header
// or a log line. A key costs one indexed SELECT per request (counted).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKey, revokeKey } from "../../src/auth/api-keys.js";
import { createAuthenticator } from "../../src/auth/authenticate.js";
import { ANONYMOUS_NONE, ANONYMOUS_PUBLIC } from "../../src/auth/caller.js";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import { readAuthConfig } from "../../src/config.js";
import { type App, AUTH_FAILURES_PER_MINUTE } from "../../src/server/app.js";
import { MemoryRateLimit } from "../../src/server/rate-limit.js";
import { type CapturedLogger, captureLogger, testApp } from "../support/app.js";
import { driverCases, servicesRequired, type TestDatabase } from "../support/databases.js";
import {
  type Freezable,
  privatePostgresAvailable,
  startPrivatePostgres,
} from "../support/frozen-services.js";

const UNAUTHENTICATED = {
  errors: [
    {
      message:
        "the bearer token is not valid: send a live API key or a valid JWT, or no Authorization header",
      extensions: { code: "UNAUTHENTICATED", requestId: expect.any(String) },
    },
  ],
};

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Everything a client saw: to search for tokens in. */
const seen: string[] = [];

async function ask(
  app: App,
  authorization: string | null,
  options: { address?: string; query?: string } = {},
): Promise<Answer> {
  const response = await app.fetch(
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(authorization === null ? {} : { authorization }),
      },
      body: JSON.stringify({ query: options.query ?? "{ __typename }" }),
    }),
    undefined,
    { address: options.address ?? "192.0.2.1" },
  );
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

function expectUnauthenticated(a: Answer): void {
  expect(a.status).toBe(401);
  expect(a.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  expect(a.body).toEqual(UNAUTHENTICATED);
  expect(a.headers.get("x-request-id")).toBe(a.body.errors[0].extensions.requestId);
}

const OK = { data: { __typename: "Query" } };
const keyReads = (db: Database) => db.log.filter((q) => /from\s+"?api_keys"?/i.test(q)).length;

const drivers = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");

describe.each(drivers)("bearer API keys on $driver", ({ driver, open }) => {
  let t: TestDatabase;
  let db: Database;
  let logger: CapturedLogger;
  let app: App;
  const tokens: string[] = [];
  beforeEach(async () => {
    t = await open({ recordStatements: true });
    db = t.database;
    logger = captureLogger();
    app = testApp(db, logger);
  });
  afterEach(async () => {
    // No token, nor its secret part, in anything a client or an operator saw.
    const logs = JSON.stringify(logger.lines);
    for (const token of tokens) {
      for (const text of [...seen, logs]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.slice(25));
      }
    }
    tokens.length = 0;
    seen.length = 0;
    await t.cleanup();
  });
  const make = async (...args: Parameters<typeof createKey>) => {
    const made = await createKey(...args);
    tokens.push(made.token);
    return made;
  };

  it("answers a live key and no header alike, and knows who called", async () => {
    const { token, key } = await make(db.db, { name: "ci", scopes: ["publish:acme"], source: "acme" });
    const withKey = await ask(app, `Bearer ${token}`);
    expect(withKey.status).toBe(200);
    expect(withKey.body).toEqual(OK);
    expect(withKey.headers.get("www-authenticate")).toBeNull();
    // The scheme is case-insensitive (RFC 7235).
    expect((await ask(app, `bearer ${token}`)).body).toEqual(OK);
    expect((await ask(app, null)).body).toEqual(OK);
    const auth = createAuthenticator(readAuthConfig({}), () => {});
    const request = (authorization?: string) =>
      new Request("http://agentry.test/graphql", authorization ? { headers: { authorization } } : {});
    expect(await auth.authenticate(request(`Bearer ${token}`), db.db)).toEqual({
      ok: true,
      caller: { kind: "key", id: key.id, name: "ci", scopes: ["publish:acme"], source: "acme" },
    });
    expect(await auth.authenticate(request(), db.db)).toEqual({ ok: true, caller: ANONYMOUS_PUBLIC });
    // A key not limited to a source also reads what anonymous callers read (public reads).
    const wide = await make(db.db, { name: "wide", scopes: ["publish:acme"] });
    expect(await auth.authenticate(request(`Bearer ${wide.token}`), db.db)).toMatchObject({
      ok: true,
      caller: { kind: "key", id: wide.key.id, scopes: ["publish:acme", "read"], source: null },
    });
    // AGENTRY_READ_ACCESS=token: anonymous callers hold nothing, keys only their own scopes.
    const closed = createAuthenticator(readAuthConfig({ AGENTRY_READ_ACCESS: "token" }), () => {});
    expect(await closed.authenticate(request(), db.db)).toEqual({ ok: true, caller: ANONYMOUS_NONE });
    expect(await closed.authenticate(request(`Bearer ${wide.token}`), db.db)).toMatchObject({
      ok: true,
      caller: { scopes: ["publish:acme"] },
    });
  });

  it("refuses malformed headers, unknown, wrong, revoked and expired keys with one 401 that says nothing more", async () => {
    const { token, key } = await make(db.db, { name: "ci", scopes: ["read"] });
    const other = await make(db.db, { name: "other", scopes: ["admin"] });
    const soon = await make(db.db, {
      name: "soon",
      scopes: ["read"],
      expiresAt: new Date(Date.now() + 1000),
    });
    const last = token.at(-1) === "A" ? "B" : "A";
    const wrongSecret = `${token.slice(0, -1)}${last}`;
    const unknownId = `agentry_${"0".repeat(16)}_${token.slice(25)}`;
    const otherSecret = `${token.slice(0, 25)}${other.token.slice(25)}`;
    tokens.push(wrongSecret, unknownId, otherSecret);
    for (const header of [
      "",
      "Bearer",
      "Bearer ",
      `Basic ${btoa(`user:${token}`)}`,
      `Token ${token}`,
      `Bearer ${token} extra`,
      `Bearer ${token},${token}`,
      `Bearer "${token}"`,
      `Bearer ${"a".repeat(9000)}`,
      `Bearer ${wrongSecret}`,
      `Bearer ${unknownId}`,
      `Bearer ${otherSecret}`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}A`,
      // Not a key, and no JWT issuer is configured.
      "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
    ]) {
      expectUnauthenticated(await ask(app, header));
    }
    expect((await ask(app, `Bearer ${token}`)).status).toBe(200);
    await revokeKey(db.db, key.id);
    expectUnauthenticated(await ask(app, `Bearer ${token}`));
    while (Date.now() < soon.key.expiresAt!.getTime() + 50) await new Promise((r) => setTimeout(r, 50));
    expectUnauthenticated(await ask(app, `Bearer ${soon.token}`));
    // The operator's log says which key failed (its public id), never the token.
    const refused = logger.lines.filter((l) => l.message === "a credential was refused");
    expect(refused.length).toBe(17);
    expect(refused.at(-2)!.fields).toMatchObject({ credential: "api key", keyId: key.id });
  });

  it("costs one indexed SELECT per request with a key, and no statement without one", async () => {
    const { token } = await make(db.db, { name: "ci", scopes: ["read"] });
    await ask(app, `Bearer ${token}`); // the first use writes last_used_at (once a minute)
    const before = db.log.length;
    expect((await ask(app, null)).status).toBe(200);
    expect(db.log.length - before).toBe(0);
    expect((await ask(app, `Bearer ${token}`)).status).toBe(200);
    expect(db.log.slice(before)).toHaveLength(1);
    expect(db.log.at(-1)).toMatch(
      /^\s*select name, secret_hash, scopes, source,[\s\S]*from "api_keys" where id = \$2$/,
    );
    // A token that is not a key's shape costs no statement.
    await ask(app, "Bearer agentry_nope");
    expect(db.log.slice(before)).toHaveLength(1);
    expect(keyReads(db)).toBeGreaterThan(0);
  });

  it("limits each key on its own budget, wherever it calls from; anonymous callers by address", async () => {
    const limited = testApp(db, logger, { rateLimit: new MemoryRateLimit(3) });
    const a = await make(db.db, { name: "a", scopes: ["read"] });
    const b = await make(db.db, { name: "b", scopes: ["read"] });
    const remaining = (x: Answer) => /r=(\d+)/.exec(x.headers.get("ratelimit") ?? "")?.[1];
    expect(remaining(await ask(limited, `Bearer ${a.token}`, { address: "198.51.100.1" }))).toBe("2");
    expect(remaining(await ask(limited, `Bearer ${a.token}`, { address: "198.51.100.2" }))).toBe("1");
    expect(remaining(await ask(limited, `Bearer ${b.token}`, { address: "198.51.100.1" }))).toBe("2");
    expect(remaining(await ask(limited, null, { address: "198.51.100.1" }))).toBe("2");
    expect((await ask(limited, `Bearer ${a.token}`, { address: "198.51.100.3" })).status).toBe(200);
    const refused = await ask(limited, `Bearer ${a.token}`, { address: "198.51.100.4" });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe("RATE_LIMITED");
    // The anonymous budget of those addresses is untouched.
    expect(remaining(await ask(limited, null, { address: "198.51.100.4" }))).toBe("2");
  });

  it(`refuses an address ${AUTH_FAILURES_PER_MINUTE} bad credentials a minute, then answers 429 without reading the database`, async () => {
    const limited = testApp(db, logger, { rateLimit: new MemoryRateLimit(1_000_000) });
    const { token } = await make(db.db, { name: "ci", scopes: ["read"] });
    const guess = `agentry_${"1".repeat(16)}_${token.slice(25)}`;
    tokens.push(guess);
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE; i++)
      expect((await ask(limited, `Bearer ${guess}`, { address: "203.0.113.5" })).status).toBe(401);
    const before = db.log.length;
    const refused = await ask(limited, `Bearer ${guess}`, { address: "203.0.113.5" });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // That address's good key waits too (decision 0023); without a header it still reads.
    expect((await ask(limited, `Bearer ${token}`, { address: "203.0.113.5" })).status).toBe(429);
    expect(db.log.length).toBe(before);
    expect((await ask(limited, null, { address: "203.0.113.5" })).status).toBe(200);
    expect((await ask(limited, `Bearer ${token}`, { address: "203.0.113.6" })).status).toBe(200);
  });

  it.runIf(driver === "pg")(
    "refuses a revoked or expired key at once on both of two instances on one database",
    async () => {
      const second = await t.reopen();
      const other = testApp(second, logger);
      const revoked = await make(db.db, { name: "revoked", scopes: ["read"] });
      const expiring = await make(db.db, {
        name: "expiring",
        scopes: ["read"],
        expiresAt: new Date(Date.now() + 1500),
      });
      for (const instance of [app, other, app, other]) {
        expect((await ask(instance, `Bearer ${revoked.token}`)).status).toBe(200);
        expect((await ask(instance, `Bearer ${expiring.token}`)).status).toBe(200);
      }
      // Revoked through the second instance's connection: the first refuses on its next request.
      await revokeKey(second.db, revoked.key.id);
      expectUnauthenticated(await ask(app, `Bearer ${revoked.token}`));
      expectUnauthenticated(await ask(other, `Bearer ${revoked.token}`));
      while (Date.now() < expiring.key.expiresAt!.getTime() + 50) await new Promise((r) => setTimeout(r, 50));
      expectUnauthenticated(await ask(app, `Bearer ${expiring.token}`));
      expectUnauthenticated(await ask(other, `Bearer ${expiring.token}`));
    },
  );
});

const privatePg = privatePostgresAvailable();
if (!privatePg) {
  if (servicesRequired())
    throw new Error("the bearer database-failure test needs PostgreSQL's binaries and root");
  console.warn("SKIPPED: the bearer database-failure test needs PostgreSQL's binaries (initdb) and root");
}

describe.runIf(privatePg)("a key checked while the database cannot answer", () => {
  let server: Freezable & { url: string };
  let stopped = false;
  let database: Database;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    database = await openDatabase({
      driver: "pg",
      url: server.url,
      dataDir: null,
      neon: { wsProxy: null, httpEndpoint: null, insecure: false },
      timeouts: { statementMs: 1000, batchStatementMs: 30_000, connectMs: 1000, idleInTransactionMs: 10_000 },
    });
    await database.migrate();
  }, 60_000);
  afterAll(async () => {
    server?.thaw();
    await database?.close().catch(() => {});
    if (!stopped) await server?.stop();
  });

  it("answers 503 with Retry-After, frozen or gone, and logs the failure without the token", async () => {
    const logger = captureLogger();
    const app = testApp(database, logger);
    const { token } = await createKey(database.db, { name: "ci", scopes: ["read"] });
    expect((await ask(app, `Bearer ${token}`)).status).toBe(200);
    const unavailable = (a: Answer) => {
      expect(a.status).toBe(503);
      expect(a.headers.get("retry-after")).toBe("5");
      expect(a.headers.get("www-authenticate")).toBeNull();
      expect(a.body).toEqual({
        errors: [
          {
            message: "the credential could not be checked right now; retry shortly",
            extensions: { code: "SERVICE_UNAVAILABLE", requestId: expect.any(String) },
          },
        ],
      });
    };
    server.freeze();
    const started = Date.now();
    try {
      unavailable(await ask(app, `Bearer ${token}`));
      // The statement timeout (1 s here) plus the client's grace second, well before the
      // request's own 10 s budget.
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      server.thaw();
    }
    expect((await ask(app, `Bearer ${token}`)).status).toBe(200);
    stopped = true;
    await server.stop();
    unavailable(await ask(app, `Bearer ${token}`));
    const failures = logger.lines.filter((l) => l.message === "a credential could not be checked");
    expect(failures).toHaveLength(2);
    expect(failures[0]!.level).toBe("error");
    expect(failures[0]!.fields).toMatchObject({ credential: "api key", keyId: token.slice(8, 24) });
    const text = JSON.stringify(logger.lines) + seen.join("\n");
    expect(text).not.toContain(token.slice(25));
  }, 60_000);
});
