// Helpers shared by the read operations; not part of the public API.
//
// Reads use raw SQL through `db.execute`, where no column mapping happens, so values arrive as
// each driver decodes them: int8 as a string on node-postgres and Neon but as a number on
// PGlite, timestamps as text or Date. Everything goes through the converters below.
import type { SQL } from "drizzle-orm";
import { rowsOf } from "../bulk.js";
import type { Executor } from "../database.js";
import { InvalidArgumentError, InvalidCursorError } from "./errors.js";

export async function query<T>(db: Executor, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

export function num(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Text selected as `'|' || column`: PGlite drops a leading byte order mark otherwise. */
export function exact(value: unknown): string {
  return String(value).slice(1);
}

/** The distinct ids, so that a batch never makes the database do the same work twice. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Rows regrouped per requested key, in the order the keys were given (dataloader contract). */
export function groupInOrder<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((k) => groups.get(k)?.slice() ?? []);
}

export function evidence(line: unknown, text: unknown): { line: number; text: string } | null {
  return line === null || line === undefined ? null : { line: num(line), text: String(text ?? "") };
}

export function checkCount(argument: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InvalidArgumentError(argument, `must be a non-negative integer, got ${value}`);
}

/**
 * Cursors are opaque to clients but carry what the keyset needs: the ordering they were made
 * for, the sort key as Postgres printed it (so it compares back exactly, microseconds and
 * float4 ranks included) and the id that breaks ties.
 */
export function encodeCursor(order: string, key: string | number | null, id: number): string {
  return Buffer.from(JSON.stringify([order, key, id]), "utf8").toString("base64url");
}

/** Longer than any cursor this code makes (names are short; the key is the longest part). */
const MAX_CURSOR_LENGTH = 4096;

/**
 * Text Postgres refuses as a text parameter (NUL) or that no catalog value holds (a lone
 * surrogate half, which a driver would silently turn into U+FFFD).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a value can be sent as a text parameter and compared with catalog text. */
export function isPlainText(value: unknown): value is string {
  return typeof value === "string" && !value.includes("\u0000") && !LONE_SURROGATE.test(value);
}

/** The ids a bigint column holds that a JS number keeps exactly. */
export function isRowId(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

/** The values an int4 column (or parameter cast to ::int) holds. */
export function isInt4(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) <= 2 ** 31 - 1;
}

/**
 * A cursor's key and id, or InvalidCursorError: not base64url JSON of [order, key, id], made
 * for another ordering, an id no bigint holds, or a key that `checkKey` refuses. Everything
 * the keyset casts in SQL is checked here, so that a forged cursor is the client's error
 * and never a statement Postgres fails (`'abc'::timestamptz`, a NUL in a text parameter).
 */
export function decodeCursor<K = string>(
  cursor: string,
  order: string,
  checkKey: (key: unknown) => K | null = (key) => (isPlainText(key) ? (key as K) : null),
): { key: K; id: number } {
  let parsed: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]*$/.test(cursor))
      throw new Error("not base64url");
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== order || !isRowId(parsed[2]))
    throw new InvalidCursorError(cursor);
  const key = checkKey(parsed[1]);
  if (key === null) throw new InvalidCursorError(cursor);
  return { key, id: parsed[2] };
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}
