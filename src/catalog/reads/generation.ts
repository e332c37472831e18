// The catalog's generation: it moves on every committed write (each import batch bumps its
// source's), so a cache key that includes it can never serve what a write has replaced.
import { sql } from "drizzle-orm";
import type { Executor } from "../database.js";
import { query } from "./internal.js";

export async function catalogGeneration(db: Executor): Promise<number> {
  const [row] = await query<{ g: unknown }>(
    db,
    sql`select coalesce(sum(generation), 0)::bigint as g from sources`,
  );
  return Number(row?.g ?? 0);
}

/** Runs after the I/O callbacks of this turn of the event loop (a zero timeout on Workers). */
const afterThisTurn: (fn: () => void) => void =
  typeof setImmediate === "function" ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

interface Pending {
  promise: Promise<number>;
}
const pending = new WeakMap<Executor, Pending>();

/**
 * catalogGeneration for many requests at once: the requests that ask within one turn of the
 * event loop share one statement, sent at the end of that turn. Every one of them asked
 * before the statement was sent, so a write that had returned before any of them started had
 * committed before the statement read the generation: the guarantee above holds. A request
 * that asks while a statement is in flight waits for the next one, never for that one.
 */
export function batchedCatalogGeneration(db: Executor): Promise<number> {
  const open = pending.get(db);
  if (open) return open.promise;
  const batch: Pending = {
    promise: new Promise<void>((resolve) => afterThisTurn(resolve)).then(() => {
      // Sent now: later requests start a new batch.
      pending.delete(db);
      return catalogGeneration(db);
    }),
  };
  pending.set(db, batch);
  return batch.promise;
}
