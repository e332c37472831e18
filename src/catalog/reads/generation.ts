// The catalog's generation: a token that changes with every committed write (each import batch
// bumps its source's generation, and a trigger makes a new token: drizzle/0004), so a cache key
// that includes it can never serve what a write has replaced, nor another catalog's graphs (a
// database rebuilt while Redis is kept).
import { sql } from "drizzle-orm";
import type { Executor } from "../database.js";
import { query } from "./internal.js";

export async function catalogGeneration(db: Executor): Promise<string> {
  const [row] = await query<{ token: string }>(db, sql`select token from catalog_state`);
  if (!row) throw new Error("catalog_state has no row: the catalog's migrations did not run");
  return row.token;
}

/** Runs after the I/O callbacks of this turn of the event loop (a zero timeout on Workers). */
const afterThisTurn: (fn: () => void) => void =
  typeof setImmediate === "function" ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

interface Pending {
  promise: Promise<string>;
}
const pending = new WeakMap<Executor, Pending>();

/**
 * catalogGeneration for many requests at once: the requests that ask within one turn of the
 * event loop share one statement, sent at the end of that turn. Every one of them asked
 * before the statement was sent, so a write that had returned before any of them started had
 * committed before the statement read the generation: the guarantee above holds. A request
 * that asks while a statement is in flight waits for the next one, never for that one.
 */
export function batchedCatalogGeneration(db: Executor): Promise<string> {
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
