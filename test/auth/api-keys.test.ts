// API keys on both engines (issue 16 points 2 and 6, decision 0022; keys over Neon's HTTP driver
// are made and revoked in test/auth/key-audit.test.ts and verified inside workerd in
// test/worker/api-keys.test.ts): the token's format and
// entropy, only a hash stored, verification that refuses every wrong token without throwing,
// revocation and expiry at once (a second instance too), lists without secrets, and the
// last-used time written at most once a minute.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createKey,
  KeyError,
  LAST_USED_INTERVAL_SECONDS,
  listKeys,
  revokeKey,
  verifyKey,
} from "../../src/auth/api-keys.js";
import { rowsOf } from "../../src/catalog/bulk.js";
import type { Database } from "../../src/catalog/database.js";
import { engineCases, type TestDatabase } from "../support/databases.js";

const TOKEN = /^agentry_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

async function rows(db: Database): Promise<Record<string, unknown>[]> {
  return rowsOf(await db.db.execute(sql`select * from api_keys order by created_at, id`));
}

const updates = (db: Database) => db.log.filter((q) => /^\s*update\s+"?api_keys"?/i.test(q)).length;

describe.each(await engineCases())("API keys on $driver", ({ driver, open }) => {
  let t: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    t = await open({ recordStatements: true });
    db = t.database;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("makes tokens with the prefix, a public id and 256 random bits", async () => {
    const tokens: string[] = [];
    for (let i = 0; i < (driver === "pglite" ? 40 : 10); i++)
      tokens.push((await createKey(db.db, { name: `k${i}`, scopes: ["read"] })).token);
    const alphabet = new Set<string>();
    for (const token of tokens) {
      expect(token).toMatch(TOKEN);
      expect(token).toHaveLength(8 + 16 + 1 + 43);
      const [, , secret] = TOKEN.exec(token)!;
      expect(Buffer.from(secret!, "base64url")).toHaveLength(32);
      for (const c of secret!) alphabet.add(c);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(new Set(tokens.map((x) => x.slice(8, 24))).size).toBe(tokens.length);
    // 40 × 43 characters from a 64-letter alphabet: a non-random secret would use far fewer
    if (driver === "pglite") expect(alphabet.size).toBeGreaterThan(55);
  });

  it("stores only the SHA-256 of the secret, never the secret", async () => {
    const { token, key } = await createKey(db.db, {
      name: "ci",
      scopes: ["publish:acme", "read"],
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const [, id, secret] = TOKEN.exec(token)!;
    expect(key).toMatchObject({ id, name: "ci", prefix: `agentry_${id}`, scopes: ["publish:acme", "read"] });
    const [row] = await rows(db);
    const text = JSON.stringify(row);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret!.slice(0, 12));
    expect(text).not.toContain(token);
    expect(row!.secret_hash).toBe(createHash("sha256").update(secret!).digest("hex"));
    // the statements sent carry the hash, not the secret
    expect(db.log.join("\n")).not.toContain(secret);
  });

  it("verifies the right token and refuses a one-character change, another key's secret and malformed input", async () => {
    const a = await createKey(db.db, { name: "a", scopes: ["publish:acme"], source: "acme" });
    const b = await createKey(db.db, { name: "b", scopes: ["admin"] });
    expect(await verifyKey(db.db, a.token)).toEqual({
      kind: "key",
      id: a.key.id,
      name: "a",
      scopes: ["publish:acme"],
      source: "acme",
    });
    expect(await verifyKey(db.db, b.token)).toMatchObject({ id: b.key.id, scopes: ["admin"], source: null });

    const last = a.token.at(-1)!;
    const changed = [
      a.token.slice(0, -1) + (last === "A" ? "B" : "A"),
      `${a.token.slice(0, 30)}${a.token[30] === "x" ? "y" : "x"}${a.token.slice(31)}`,
      `agentry_${a.key.id}_${b.token.slice(25)}`, // b's secret with a's id
      `agentry_${b.key.id}_${a.token.slice(25)}`,
      `agentry_${"0".repeat(16)}_${a.token.slice(25)}`, // unknown id
    ];
    for (const token of changed) expect(await verifyKey(db.db, token)).toBeNull();

    const malformed: unknown[] = [
      "",
      " ",
      "agentry_",
      a.token.slice(0, -1),
      `${a.token}x`,
      ` ${a.token}`,
      `Bearer ${a.token}`,
      a.token.toUpperCase(),
      a.token.replace("agentry_", "agentry-"),
      `${a.token.slice(0, -2)}é`,
      `${a.token.slice(0, -2)}\u0000`,
      `${a.token.slice(0, -2)}🔑`,
      "x".repeat(1_000_000),
      `agentry_${a.key.id}_${"é".repeat(43)}`,
      `agentry_${a.key.id}' or '1'='1_${"a".repeat(30)}`,
      null,
      undefined,
      42,
      { token: a.token },
    ];
    for (const token of malformed) expect(await verifyKey(db.db, token)).toBeNull();
  });

  it("refuses a revoked key at once, also on a second instance, and revokes by id or name", async () => {
    const a = await createKey(db.db, { name: "a", scopes: ["read"] });
    const b = await createKey(db.db, { name: "b", scopes: ["read"] });
    // a second instance: its own connection (cleanup closes it)
    const other = driver === "pglite" ? null : await t.reopen();
    expect(await verifyKey(db.db, a.token)).not.toBeNull();
    if (other) expect(await verifyKey(other.db, a.token)).not.toBeNull();
    expect(await revokeKey(db.db, a.key.id)).toMatchObject({ revoked: { id: a.key.id }, already: false });
    expect(await verifyKey(db.db, a.token)).toBeNull();
    if (other) expect(await verifyKey(other.db, a.token)).toBeNull();

    expect(await revokeKey(db.db, "b")).toMatchObject({ revoked: { id: b.key.id }, already: false });
    expect(await verifyKey(db.db, b.token)).toBeNull();
    expect(await revokeKey(db.db, b.key.id)).toMatchObject({ already: true });
    expect(await revokeKey(db.db, "b")).toEqual({ notFound: true }); // names match live keys only
    expect(await revokeKey(db.db, "nobody")).toEqual({ notFound: true });
    await expect(revokeKey(db.db, a.token)).rejects.toThrow(KeyError);
    await expect(revokeKey(db.db, a.token)).rejects.not.toThrow(a.token.slice(25));
    // a revoked name may be used again
    const again = await createKey(db.db, { name: "b", scopes: ["read"] });
    expect(await verifyKey(db.db, again.token)).not.toBeNull();
  });

  it("refuses a duplicate live name and a name that looks like a token or an id", async () => {
    await createKey(db.db, { name: "ci", scopes: ["read"] });
    await expect(createKey(db.db, { name: "ci", scopes: ["admin"] })).rejects.toThrow(/already named "ci"/);
    await expect(createKey(db.db, { name: "agentry_x", scopes: ["read"] })).rejects.toThrow(KeyError);
    await expect(createKey(db.db, { name: "0123456789abcdef", scopes: ["read"] })).rejects.toThrow(KeyError);
    await expect(createKey(db.db, { name: "", scopes: ["read"] })).rejects.toThrow(KeyError);
    await expect(createKey(db.db, { name: "x", scopes: ["write" as "read"] })).rejects.toThrow();
    expect(await rows(db)).toHaveLength(1);
  });

  it("refuses an expired key by the database's clock", async () => {
    const a = await createKey(db.db, {
      name: "a",
      scopes: ["read"],
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(await verifyKey(db.db, a.token)).not.toBeNull();
    await db.db.execute(sql`update api_keys set expires_at = now() - interval '1 second'`);
    expect(await verifyKey(db.db, a.token)).toBeNull();
  });

  it("lists keys without a secret or a hash", async () => {
    const a = await createKey(db.db, { name: "a", scopes: ["read"] });
    const b = await createKey(db.db, { name: "b", scopes: ["publish:x"], source: "x" });
    await revokeKey(db.db, "a");
    const list = await listKeys(db.db);
    expect(list.map((k) => k.name).sort()).toEqual(["a", "b"]);
    const [row] = await rows(db);
    const text = JSON.stringify(list);
    for (const token of [a.token, b.token]) {
      expect(text).not.toContain(token.slice(25));
      expect(text).not.toContain(token);
    }
    expect(text).not.toContain(String(row!.secret_hash));
    expect(Object.keys(list[0]!).sort()).toEqual(
      [
        "createdAt",
        "expiresAt",
        "id",
        "lastUsedAt",
        "name",
        "prefix",
        "revokedAt",
        "scopes",
        "source",
      ].sort(),
    );
    expect(list.find((k) => k.name === "a")!.revokedAt).toBeInstanceOf(Date);
  });

  it("keeps the last-used time, written at most once a minute per key", async () => {
    const a = await createKey(db.db, { name: "a", scopes: ["read"] });
    const b = await createKey(db.db, { name: "b", scopes: ["read"] });
    const before = updates(db);
    for (let i = 0; i < 5; i++) expect(await verifyKey(db.db, a.token)).not.toBeNull();
    expect(updates(db) - before).toBe(1);
    const [used] = (await listKeys(db.db)).filter((k) => k.name === "a");
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
    expect((await listKeys(db.db)).find((k) => k.name === "b")!.lastUsedAt).toBeNull();

    await verifyKey(db.db, b.token); // another key has its own minute
    expect(updates(db) - before).toBe(2);

    // a wrong secret is not a use
    await verifyKey(db.db, `${a.token.slice(0, -1)}${a.token.endsWith("A") ? "B" : "A"}`);
    expect(updates(db) - before).toBe(2);

    // a minute later the next use writes again
    await db.db.execute(
      sql`update api_keys set last_used_at = now() - make_interval(secs => ${LAST_USED_INTERVAL_SECONDS + 1}) where name = 'a'`,
    );
    const marker = updates(db);
    await verifyKey(db.db, a.token);
    await verifyKey(db.db, a.token);
    expect(updates(db) - marker).toBe(1);
    const [again] = (await listKeys(db.db)).filter((k) => k.name === "a");
    expect(Date.now() - again!.lastUsedAt!.getTime()).toBeLessThan(60_000);
  });
});
