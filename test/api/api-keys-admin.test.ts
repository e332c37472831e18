// API keys over the API (issue 16 point 2): createApiKey, revokeApiKey and apiKeys, through the
// real app with real keys sent as `Authorization: Bearer`, on PGlite and PostgreSQL. Nothing is
// mocked. Only `admin` may use them; a made token authenticates at once, a revoked one is 401 on
// the next request; the secret shows only in createApiKey's answer, never in a list, an error
// or a log line; each change is in the audit trail with the admin key as actor and the request id.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/auth/api-keys.js";
import { listAuditEvents } from "../../src/catalog/audit.js";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import type { App } from "../../src/server/app.js";
import { type CapturedLogger, captureLogger, gql, testApp } from "../support/app.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

const CREATE = `mutation Create($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreatedApiKey { token key { id name prefix scopes source createdAt expiresAt revokedAt lastUsedAt } }
    ... on AgentryInvalidInputError { message issues { path message } }
    ... on AgentryForbiddenError { message requiredScope }
    ... on AgentryUnauthenticatedError { message requiredScope }
  }
}`;
const REVOKE = `mutation Revoke($idOrName: String!) {
  revokeApiKey(idOrName: $idOrName) {
    __typename
    ... on ApiKey { id name revokedAt }
    ... on AgentryAmbiguousKeyNameError { message keyName ids }
    ... on AgentryNotFoundError { message entity ref }
    ... on AgentryInvalidInputError { message issues { path message } }
    ... on AgentryForbiddenError { message requiredScope }
    ... on AgentryUnauthenticatedError { message requiredScope }
  }
}`;
const LIST = `query Keys($first: Int, $after: String) {
  apiKeys(first: $first, after: $after) {
    totalCount
    nodes { id name prefix scopes source createdAt expiresAt revokedAt lastUsedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

const cases = await engineCases();

for (const c of cases) {
  describe(`API keys over the API (${c.driver})`, () => {
    let t: TestDatabase;
    let database: Database;
    let app: App;
    let logger: CapturedLogger;
    let adminToken = "";
    let adminId = "";
    let publisherToken = "";
    /** Every response body of this suite, to be searched for secrets. */
    const seen: string[] = [];
    const bearer = (token: string | null): Record<string, string> =>
      token ? { authorization: `Bearer ${token}` } : {};
    const ask = async (
      query: string,
      variables: Record<string, unknown>,
      token: string | null,
      headers: Record<string, string> = {},
    ) => {
      const r = await gql<any>(app, query, variables, { ...bearer(token), ...headers });
      seen.push(JSON.stringify(r.body));
      return r;
    };
    const keyCount = async () =>
      Number(
        rowsOf<{ n: unknown }>(await database.db.execute(sql`select count(*) as n from api_keys`))[0]!.n,
      );
    const secretOf = (token: string) => token.slice("agentry_".length + 17);

    beforeAll(async () => {
      t = await c.open();
      database = t.database;
      logger = captureLogger();
      app = testApp(database, logger);
      const admin = await createKey(database.db, { name: "root-admin", scopes: ["admin"] });
      adminToken = admin.token;
      adminId = admin.key.id;
      publisherToken = (await createKey(database.db, { name: "publisher-x", scopes: ["publish:x"] })).token;
    }, 60_000);
    afterAll(async () => {
      await t?.cleanup();
    });

    it("an admin makes a key whose token then authenticates, recorded with the admin and the request id", async () => {
      const before = Date.now();
      const made = await ask(
        CREATE,
        { input: { name: "ci-acme", scopes: ["publish"], source: "acme", expiresIn: "30d" } },
        adminToken,
        { "x-request-id": "req-create-1" },
      );
      expect(made.status).toBe(200);
      expect(made.body.errors).toBeUndefined();
      const created = made.body.data.createApiKey;
      expect(created.__typename).toBe("CreatedApiKey");
      expect(created.token).toMatch(/^agentry_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const id = created.key.id;
      expect(created.token.startsWith(`agentry_${id}_`)).toBe(true);
      expect(created.key).toEqual({
        id,
        name: "ci-acme",
        prefix: `agentry_${id}`,
        scopes: ["publish:acme"],
        source: "acme",
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        revokedAt: null,
        lastUsedAt: null,
      });
      const expires = Date.parse(created.key.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000 + 1000);

      // The new token answers a query, and holds what it was given (publish:acme, not admin).
      const read = await ask("{ sources(first: 5) { totalCount } }", {}, created.token);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ data: { sources: { totalCount: 0 } } });
      const notAdmin = await ask(CREATE, { input: { name: "escalate", scopes: ["admin"] } }, created.token);
      expect(notAdmin.body.data.createApiKey).toEqual({
        __typename: "AgentryForbiddenError",
        message: "this needs the scope admin, which the caller's key does not hold",
        requiredScope: "admin",
      });

      const { events } = await listAuditEvents(database.db, { first: 50 });
      const mine = events.filter((e) => e.requestId === "req-create-1");
      expect(mine.map((e) => [e.action, e.actorKind, e.actorName, e.actorId, e.source, e.target])).toEqual([
        ["key-create", "key", "root-admin", adminId, "acme", `${id} ci-acme`],
      ]);
    });

    it("lists keys without a secret or a hash, in pages", async () => {
      const made = await ask(CREATE, { input: { name: "reader-1", scopes: ["read"] } }, adminToken);
      const token: string = made.body.data.createApiKey.token;
      const all = await ask(LIST, { first: 100 }, adminToken);
      expect(all.body.errors).toBeUndefined();
      const list = all.body.data.apiKeys;
      expect(list.totalCount).toBe(await keyCount());
      expect(list.nodes[0]).toMatchObject({
        name: "reader-1",
        scopes: ["read"],
        source: null,
        expiresAt: null,
      });
      expect(list.nodes.map((k: { name: string }) => k.name)).toEqual(
        expect.arrayContaining(["root-admin", "publisher-x", "ci-acme", "reader-1"]),
      );
      const text = JSON.stringify(all.body);
      expect(text).not.toContain(secretOf(token));
      expect(text).not.toContain(secretOf(adminToken));
      expect(text).not.toMatch(/agentry_[0-9a-f]{16}_/);
      expect(text).not.toMatch(/[0-9a-f]{64}/); // no SHA-256 hex
      // Pages of one, forward, to the end: the same keys in the same order.
      const names: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = (await ask(LIST, { first: 1, after }, adminToken)).body.data.apiKeys;
        names.push(...page.nodes.map((k: { name: string }) => k.name));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(names).toEqual(list.nodes.map((k: { name: string }) => k.name));
      const bad = await ask(LIST, { after: "bm9wZQ" }, adminToken);
      expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("revokes by name and by id: the revoked token is 401 on the next request, recorded", async () => {
      const a = (await ask(CREATE, { input: { name: "to-revoke-a", scopes: ["read"] } }, adminToken)).body
        .data.createApiKey;
      const b = (await ask(CREATE, { input: { name: "to-revoke-b", scopes: ["read"] } }, adminToken)).body
        .data.createApiKey;
      for (const k of [a, b])
        expect((await ask("{ sources(first: 1) { totalCount } }", {}, k.token)).status).toBe(200);

      const byName = await ask(REVOKE, { idOrName: "to-revoke-a" }, adminToken, {
        "x-request-id": "req-rv-a",
      });
      expect(byName.body.data.revokeApiKey).toEqual({
        __typename: "ApiKey",
        id: a.key.id,
        name: "to-revoke-a",
        revokedAt: expect.any(String),
      });
      const refused = await ask("{ sources(first: 1) { totalCount } }", {}, a.token);
      expect(refused.status).toBe(401);

      const byId = await ask(REVOKE, { idOrName: b.key.id }, adminToken, { "x-request-id": "req-rv-b" });
      expect(byId.body.data.revokeApiKey).toMatchObject({ __typename: "ApiKey", id: b.key.id });
      expect((await ask("{ sources(first: 1) { totalCount } }", {}, b.token)).status).toBe(401);

      // Again: answered as it is, nothing more recorded.
      const again = await ask(REVOKE, { idOrName: b.key.id }, adminToken, { "x-request-id": "req-rv-again" });
      expect(again.body.data.revokeApiKey).toEqual(byId.body.data.revokeApiKey);

      const { events } = await listAuditEvents(database.db, { first: 100 });
      const revokes = events
        .filter((e) => e.action === "key-revoke")
        .map((e) => [e.actorKind, e.actorName, e.actorId, e.target, e.requestId]);
      expect(revokes).toEqual([
        ["key", "root-admin", adminId, `${b.key.id} to-revoke-b`, "req-rv-b"],
        ["key", "root-admin", adminId, `${a.key.id} to-revoke-a`, "req-rv-a"],
      ]);
    });

    it("answers not found, and the ids of two live keys of one name without revoking either", async () => {
      const missing = await ask(REVOKE, { idOrName: "nobody" }, adminToken);
      expect(missing.body.data.revokeApiKey).toEqual({
        __typename: "AgentryNotFoundError",
        message: 'no key "nobody"',
        entity: "key",
        ref: "nobody",
      });
      // createKey refuses a second live key of a name; two can exist when made before that rule
      // or by hand: as the CLI test does, insert the twin directly.
      const first = (await ask(CREATE, { input: { name: "twin", scopes: ["read"] } }, adminToken)).body.data
        .createApiKey.key.id;
      await database.db.execute(
        sql`insert into api_keys (id, name, prefix, secret_hash, scopes) values ('00000000000000aa', 'twin', 'agentry_00000000000000aa', ${"0".repeat(64)}, array['read']::text[])`,
      );
      const twin = await ask(REVOKE, { idOrName: "twin" }, adminToken);
      const answer = twin.body.data.revokeApiKey;
      expect(answer.__typename).toBe("AgentryAmbiguousKeyNameError");
      expect(answer.keyName).toBe("twin");
      expect([...answer.ids].sort()).toEqual(["00000000000000aa", first].sort());
      expect(answer.message).toBe(
        `2 live keys are named "twin": revoke one by id (${answer.ids.join(", ")})`,
      );
      const live = rowsOf<{ n: unknown }>(
        await database.db.execute(
          sql`select count(*) as n from api_keys where name = 'twin' and revoked_at is null`,
        ),
      );
      expect(Number(live[0]!.n)).toBe(2);
      // A token is refused as an argument, without being quoted.
      const pasted = await ask(REVOKE, { idOrName: adminToken }, adminToken);
      expect(pasted.body.data.revokeApiKey.__typename).toBe("AgentryInvalidInputError");
      expect(pasted.body.data.revokeApiKey.issues[0].path).toBe("idOrName");
      expect(JSON.stringify(pasted.body)).not.toContain(secretOf(adminToken));
    });

    it("refuses a bad name, scope, source or duration, naming the field, and makes nothing", async () => {
      const before = await keyCount();
      const cases: [Record<string, unknown>, string, string][] = [
        [{ name: "", scopes: ["read"] }, "input.name", "a key's name is 1 to 100 printable characters"],
        [
          { name: "agentry_x", scopes: ["read"] },
          "input.name",
          `a key's name cannot start with "agentry_" (it would look like a secret)`,
        ],
        [{ name: "root-admin", scopes: ["read"] }, "input.name", 'a live key is already named "root-admin"'],
        [
          { name: "k", scopes: ["write"] },
          "input.scopes",
          'scopes "write": a scope is read, admin, read:<source> or publish:<source>',
        ],
        [
          { name: "k", scopes: [] },
          "input.scopes",
          "scopes is required: read, admin, read:<source> or publish:<source>",
        ],
        [
          { name: "k", scopes: ["admin"], source: "acme" },
          "input.scopes",
          "scopes admin cannot be given to a key limited to one source (source)",
        ],
        [
          { name: "k", scopes: ["read"], source: "bad source" },
          "input.source",
          'source "bad source": use letters, digits, dots, dashes and underscores',
        ],
        [
          { name: "k", scopes: ["read"], expiresIn: "30" },
          "input.expiresIn",
          'expiresIn "30": use a whole number and a unit, like 90m, 12h, 30d or 2w (at most ten years)',
        ],
        [
          { name: "k", scopes: ["read"], expiresIn: "9999w" },
          "input.expiresIn",
          'expiresIn "9999w": use a whole number and a unit, like 90m, 12h, 30d or 2w (at most ten years)',
        ],
      ];
      for (const [input, path, message] of cases) {
        const r = await ask(CREATE, { input }, adminToken);
        expect(r.body.data.createApiKey).toEqual({
          __typename: "AgentryInvalidInputError",
          message: `${path}: ${message}`,
          issues: [{ path, message }],
        });
      }
      expect(await keyCount()).toBe(before);
    });

    it("refuses anonymous and a publish:x key with the typed errors, and makes or revokes nothing", async () => {
      const before = await keyCount();
      const events = (await listAuditEvents(database.db, { first: 1 })).totalCount;
      const create = { input: { name: "sneaky", scopes: ["admin"] } };
      const anon = await ask(CREATE, create, null);
      expect(anon.body.data.createApiKey).toEqual({
        __typename: "AgentryUnauthenticatedError",
        message:
          "this needs the scope admin: send an API key as `Authorization: Bearer agentry_…` (agentry keys create)",
        requiredScope: "admin",
      });
      const forbidden = {
        __typename: "AgentryForbiddenError",
        message: "this needs the scope admin, which the caller's key does not hold",
        requiredScope: "admin",
      };
      expect((await ask(CREATE, create, publisherToken)).body.data.createApiKey).toEqual(forbidden);
      // Even a malformed input is refused for the scope first: nothing about the keys is said.
      expect(
        (await ask(CREATE, { input: { name: "", scopes: [] } }, publisherToken)).body.data.createApiKey,
      ).toEqual(forbidden);
      expect((await ask(REVOKE, { idOrName: "root-admin" }, publisherToken)).body.data.revokeApiKey).toEqual(
        forbidden,
      );
      expect((await ask(REVOKE, { idOrName: "root-admin" }, null)).body.data.revokeApiKey.__typename).toBe(
        "AgentryUnauthenticatedError",
      );
      const list = await ask(LIST, {}, publisherToken);
      expect(list.body.data).toBeNull();
      expect(list.body.errors?.map((e: any) => [e.extensions?.code, e.extensions?.requiredScope])).toEqual([
        ["FORBIDDEN", "admin"],
      ]);
      const anonList = await ask(LIST, {}, null);
      expect(anonList.body.errors?.map((e: any) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
      expect(await keyCount()).toBe(before);
      expect((await listAuditEvents(database.db, { first: 1 })).totalCount).toBe(events);
      // root-admin still works.
      expect((await ask(LIST, { first: 1 }, adminToken)).body.data.apiKeys.totalCount).toBe(before);
    });

    it("never shows a token but in createApiKey's own answer, nor in a log line", async () => {
      const made = (await ask(CREATE, { input: { name: "log-watch", scopes: ["read"] } }, adminToken)).body
        .data.createApiKey.token as string;
      await ask(REVOKE, { idOrName: "log-watch" }, adminToken);
      await ask("{ sources(first: 1) { totalCount } }", {}, made); // 401: logged as refused
      const logs = JSON.stringify(logger.lines);
      expect(logs).toContain("a credential was refused");
      expect(logs).not.toContain(secretOf(made));
      expect(logs).not.toContain(secretOf(adminToken));
      expect(logs).not.toMatch(/agentry_[0-9a-f]{16}_[A-Za-z0-9_-]{10}/);
      // Of every response this suite saw, the secrets appear only in createApiKey's answers.
      const creates = seen.filter((s) => s.includes('"CreatedApiKey"'));
      const others = seen.filter((s) => !s.includes('"CreatedApiKey"'));
      expect(creates.length).toBeGreaterThan(0);
      for (const s of others) expect(s).not.toMatch(/agentry_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/);
      for (const s of creates) expect(s.match(/agentry_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g)).toHaveLength(1);
    });
  });
}
