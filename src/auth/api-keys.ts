// API keys (issue 16 point 2, docs/decisions/0022-api-keys.md). A token is
//
//   agentry_<id>_<secret>      id: 16 hex digits (64 random bits, public, the row's key)
//                              secret: 43 base64url characters (256 random bits)
//
// The row is found by id; the secret's SHA-256 is compared with the stored one in constant time.
// Only the hash is stored; the token exists once, in createKey's answer. Web Crypto only
// (crypto.getRandomValues, crypto.subtle.digest), so that verifyKey runs on Workers too.
//
// Nothing here logs, and no error message quotes a token or a secret.
import { and, desc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../catalog/audit.js";
import { rowsOf } from "../catalog/bulk.js";
import type { Executor } from "../catalog/database.js";
import { apiKeys, auditEvents } from "../catalog/schema.js";
import type { KeyCaller } from "./caller.js";
import { type Scope, scopesSchema } from "./scopes.js";

export const TOKEN_PREFIX = "agentry_";
const ID_HEX = 16;
const SECRET_BYTES = 32;
const SECRET_CHARS = 43; // base64url of 32 bytes, unpadded
const TOKEN_LENGTH = TOKEN_PREFIX.length + ID_HEX + 1 + SECRET_CHARS;
const TOKEN = /^agentry_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** last_used_at is written at most this often per key (decision 0022: write amplification). */
export const LAST_USED_INTERVAL_SECONDS = 60;

export class KeyError extends Error {}

export interface CreateKeyInput {
  name: string;
  scopes: readonly Scope[];
  source?: string | null;
  expiresAt?: Date | null;
}

export interface KeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  source: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Refuses names that are empty, long, unprintable, or that could be taken for an id or a token. */
export function checkKeyName(name: string): void {
  if (name.startsWith(TOKEN_PREFIX))
    throw new KeyError(`a key's name cannot start with "${TOKEN_PREFIX}" (it would look like a secret)`);
  if (name.trim() === "" || name.length > 100 || /[^\x20-\x7e\u00a0-\uffff]/.test(name))
    throw new KeyError("a key's name is 1 to 100 printable characters");
  if (/^[0-9a-f]{16}$/.test(name))
    throw new KeyError("a key's name cannot look like a key's id (16 hex digits)");
}

/** Makes a key and answers its token: the only time it exists anywhere. */
export async function createKey(
  db: Executor,
  input: CreateKeyInput,
  /** Who is making it, for the audit trail: the CLI's operator unless told. */
  audit: KeyAudit = { actor: localActor() },
): Promise<{ token: string; key: KeyInfo }> {
  checkKeyName(input.name);
  const scopes = scopesSchema.parse([...input.scopes]);
  const source = input.source ?? null;
  if (input.expiresAt && Number.isNaN(input.expiresAt.getTime()))
    throw new KeyError("the expiry is not a date");
  const id = hex(random(ID_HEX / 2));
  const secret = base64url(random(SECRET_BYTES));
  const token = `${TOKEN_PREFIX}${id}_${secret}`;
  // The key and its audit event in one statement: atomic on every driver, Neon's HTTP one too.
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with made as (
        insert into ${apiKeys} (id, name, prefix, secret_hash, scopes, source, expires_at)
        select ${id}, ${input.name}, ${`${TOKEN_PREFIX}${id}`}, ${await sha256Hex(secret)},
               array[${sql.join(
                 scopes.map((s) => sql`${s}`),
                 sql`, `,
               )}]::text[], ${source}, ${input.expiresAt?.toISOString() ?? null}::timestamptz
         where not exists (select 1 from ${apiKeys} where name = ${input.name} and revoked_at is null)
        returning id, name, source, scopes
      ), event as (${auditOf(sql`made`, "key-create", audit)})
      select id from made`),
  );
  if (rows.length === 0) throw new KeyError(`a live key is already named "${input.name}"`);
  const [key] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return { token, key: info(key!) };
}

/** Every key, newest first: never a secret or a hash. */
export async function listKeys(db: Executor): Promise<KeyInfo[]> {
  const rows = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      source: apiKeys.source,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt), apiKeys.id);
  return rows.map(info);
}

export type RevokeResult =
  | { revoked: KeyInfo; already: boolean }
  | { notFound: true }
  | { ambiguous: string[] };

/**
 * Revokes the key with this id, else the live key with this name (two live keys of one name:
 * answers their ids, revokes neither). Revoking a revoked key changes nothing (`already`).
 * An argument that looks like a token is refused without being quoted.
 */
export async function revokeKey(
  db: Executor,
  idOrName: string,
  audit: KeyAudit = { actor: localActor() },
): Promise<RevokeResult> {
  if (idOrName.startsWith(TOKEN_PREFIX))
    throw new KeyError("that looks like a key's secret: revoke by the key's id or name (agentry keys list)");
  let [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, idOrName));
  if (!row) {
    const named = await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.name, idOrName), isNull(apiKeys.revokedAt)));
    if (named.length > 1) return { ambiguous: named.map((k) => k.id) };
    row = named[0];
  }
  if (!row) return { notFound: true };
  if (row.revokedAt) return { revoked: info(row), already: true };
  await db.execute(sql`
    with gone as (
      update ${apiKeys} set revoked_at = now() where id = ${row.id} and revoked_at is null
      returning id, name, source, scopes
    ), event as (${auditOf(sql`gone`, "key-revoke", audit)})
    select 1 from gone`);
  const [updated] = await db.select().from(apiKeys).where(eq(apiKeys.id, row.id));
  return { revoked: info(updated!), already: false };
}

export interface KeyAudit {
  actor: Actor;
  requestId?: string | null;
}

/**
 * Who runs `agentry keys` where the database is: the operating-system user (the command holds
 * the database's password, so it is trusted as that user).
 */
export function localActor(): Actor {
  const env = typeof process === "undefined" ? {} : process.env;
  return { kind: "cli", name: env.USER || env.LOGNAME || "operator", id: null };
}

/** The audit event of a key change, as the insert of a CTE over the changed key's row. */
function auditOf(row: SQL, action: "key-create" | "key-revoke", audit: KeyAudit): SQL {
  return sql`insert into ${auditEvents} (actor_kind, actor_name, actor_id, action, source, target, counts, request_id)
    select ${audit.actor.kind}, ${audit.actor.name}, ${audit.actor.id}, ${action}, r.source,
           r.id || ' ' || r.name, '{}'::jsonb, ${audit.requestId ?? null}
      from ${row} r`;
}

/**
 * The caller a presented token stands for, or null for anything else: malformed, unknown,
 * revoked, expired, or a wrong secret. Reads the row every time (no cache), so a revocation or
 * an expiry holds at once on every instance; expiry is judged by the database's clock, the same
 * for every instance. Never throws on bad input.
 */
export async function verifyKey(db: Executor, presented: unknown): Promise<KeyCaller | null> {
  if (typeof presented !== "string" || presented.length !== TOKEN_LENGTH) return null;
  const m = TOKEN.exec(presented);
  if (!m) return null;
  const [, id, secret] = m as unknown as [string, string, string];
  const presentedHash = await sha256(secret);
  const [row] = rowsOf<{
    name: string;
    secret_hash: string;
    scopes: string[] | string;
    source: string | null;
    live: boolean;
    stale: boolean;
  }>(
    await db.execute(sql`
      select name, secret_hash, scopes, source,
             (revoked_at is null and (expires_at is null or expires_at > now())) as live,
             (last_used_at is null or last_used_at <= now() - make_interval(secs => ${LAST_USED_INTERVAL_SECONDS})) as stale
        from ${apiKeys} where id = ${id}`),
  );
  // An unknown id still costs a comparison, so that it answers in about the same time.
  const stored = row ? fromHex(row.secret_hash) : new Uint8Array(32);
  const equal = await constantTimeEqual(presentedHash, stored);
  if (!row || !equal || !truthy(row.live)) return null;
  const scopes = scopesSchema.safeParse(textArray(row.scopes));
  if (!scopes.success) return null; // a row no current code wrote: refuse rather than guess
  if (truthy(row.stale)) {
    // Conditional on the stored time too: two instances seeing a stale time write once.
    await db
      .execute(sql`
        update ${apiKeys} set last_used_at = now()
         where id = ${id}
           and (last_used_at is null or last_used_at <= now() - make_interval(secs => ${LAST_USED_INTERVAL_SECONDS}))`)
      .catch(() => {}); // bookkeeping: a failed write (read-only replica, timeout) does not refuse the key
  }
  return { kind: "key", id, name: row.name, scopes: scopes.data, source: row.source };
}

// --- helpers -------------------------------------------------------------------------------

function info(row: typeof apiKeys.$inferSelect | Omit<typeof apiKeys.$inferSelect, "secretHash">): KeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as Scope[],
    source: row.source,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

function random(bytes: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(bytes));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(value: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(value)) return new Uint8Array(32).fill(0xff);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
}

async function sha256Hex(value: string): Promise<string> {
  return hex(await sha256(value));
}

/**
 * Equal-length byte strings compared in time that does not depend on where they differ:
 * Workers' crypto.subtle.timingSafeEqual where it exists, otherwise an OR of XORs over every
 * byte. Both sides are SHA-256 digests (32 bytes), so lengths never differ in practice.
 */
async function constantTimeEqual(a: Uint8Array, b: Uint8Array): Promise<boolean> {
  if (a.length !== b.length) return false;
  const subtle = crypto.subtle as SubtleCrypto & {
    timingSafeEqual?: (a: Uint8Array, b: Uint8Array) => boolean;
  };
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function truthy(value: unknown): boolean {
  return value === true || value === "t" || value === "true";
}

/** A text[] as the drivers answer it: an array, or Postgres' `{a,b}` literal (Neon HTTP raw). */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",").map((s) => s.replace(/^"|"$/g, ""));
}
