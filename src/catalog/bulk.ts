// Multi-row writes as one statement with one array parameter per column
// (`insert … select … from unnest($1::text[], $2::int[], …)`): the statement text and its
// parameter count stay the same whatever the number of rows, which keeps query building and
// Postgres' parsing cheap and stays far below the 65,535-parameter limit. (A single JSON
// parameter unpacked by json_to_recordset was measured 20% slower on the corpus import.)
import { type SQL, sql } from "drizzle-orm";
import { binaryTextArray } from "./binary-array.js";
import type { Executor } from "./database.js";

export type ColumnType = "text" | "integer" | "smallint" | "bigint" | "jsonb";

/**
 * The databases and transactions whose driver sends a Uint8Array parameter in binary format
 * (PGlite and node-postgres register theirs, ./drivers/): their text columns travel as binary
 * arrays (./binary-array.ts). Neon's HTTP mode sends parameters as JSON, so Neon stays on text.
 */
const binaryParameters = new WeakSet<object>();

export function sendsBinaryParameters<T extends object>(executor: T): T {
  binaryParameters.add(executor);
  return executor;
}

export function takesBinaryParameters(executor: object): boolean {
  return binaryParameters.has(executor);
}

export async function bulkInsert<R = unknown>(
  tx: Executor,
  table: string,
  columns: Record<string, ColumnType>,
  rows: readonly Record<string, unknown>[],
  tail: SQL = sql``,
  /** Columns computed in SQL from the row `v` (and `joins`) instead of read from it. */
  computed: Record<string, string> = {},
  /** Joins after the rows, for `computed` to read from. */
  joins: SQL = sql``,
  /** Fields of the rows that `computed` and `joins` read but that are not columns. */
  inputs: Record<string, ColumnType> = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const names = Object.keys(columns);
  const given = [...names.filter((n) => !(n in computed)), ...Object.keys(inputs)];
  const binary = takesBinaryParameters(tx);
  const arrays = given.map((name) => {
    const type = columns[name] ?? inputs[name]!;
    const values = rows.map((r) => {
      const v = r[name];
      if (v === undefined || v === null) return null;
      return type === "jsonb" ? JSON.stringify(v) : v;
    });
    // jsonb travels as text and is cast per row.
    if (type === "text" || type === "jsonb") {
      const param = binary ? binaryTextArray(values as (string | null)[]) : values;
      return sql`${sql.param(param)}::text[]`;
    }
    return sql`${sql.param(values)}::${sql.raw(`${type}[]`)}`;
  });
  const selects = names
    .map((n) => computed[n] ?? (columns[n] === "jsonb" ? `v."${n}"::jsonb` : `v."${n}"`))
    .join(", ");
  const quoted = (list: string[]) => list.map((n) => `"${n}"`).join(", ");
  const result = await tx.execute(sql`
    insert into ${sql.raw(`"${table}"`)} (${sql.raw(quoted(names))})
    select ${sql.raw(selects)}
      from unnest(${sql.join(arrays, sql`, `)}) with ordinality as v(${sql.raw(quoted(given))}, "ordinal")
    ${joins}
    -- Rows keep their order through the joins, so serial ids follow it (edges are read back
    -- in id order, which is the order their file states them in).
    order by v."ordinal"
    ${tail}`);
  return rowsOf<R>(result);
}

/** Binds a JS array as one Postgres array parameter. */
export function pgArray(values: readonly (string | number)[]): SQL {
  return sql`${sql.param(values)}`;
}

/** Drivers return rows either as `{ rows }` (pg, PGlite, Neon) or as an array (neon-http). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
