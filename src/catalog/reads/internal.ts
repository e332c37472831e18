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

export function decodeCursor(cursor: string, order: string): { key: string | number | null; id: number } {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(cursor)) throw new Error("not base64url");
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== order ||
    !(parsed[1] === null || typeof parsed[1] === "string" || typeof parsed[1] === "number") ||
    !Number.isSafeInteger(parsed[2])
  )
    throw new InvalidCursorError(cursor);
  return { key: parsed[1], id: parsed[2] };
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}
