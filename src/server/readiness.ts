// Readiness: does the database answer `select 1` within a time budget? A hung database (frozen
// server, unreachable host, full pool) answers not-ok once the budget is spent, never later:
// the check races the statement against a timer. It does not leave the statement behind
// forever either: Database.ping gives up on it at the same time where the driver can (the pg
// pool destroys the connection it hung on, Neon's HTTP mode aborts the fetch), and every pool's
// acquire and query timeouts (database.ts, poolTimeouts) bound the rest.
import { sql } from "drizzle-orm";
import type { Database, Executor } from "../catalog/database.js";

export type Readiness = { ok: true } | { ok: false; reason: string };

export const DEFAULT_READINESS_TIMEOUT_MS = 1000;

/**
 * `target`: the Database (its `ping`), or the executor a request reads through (the Worker's
 * per-request connection), on which `select 1` runs.
 */
export async function checkReadiness(
  target: Pick<Database, "ping"> | Executor,
  options: { timeoutMs?: number } = {},
): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: `the database did not answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const probe = (async (): Promise<Readiness> => {
    if ("ping" in target && typeof target.ping === "function") await target.ping(timeoutMs);
    else await (target as Executor).execute(sql`select 1`);
    return { ok: true };
  })().catch((e: unknown): Readiness => ({ ok: false, reason: reasonOf(e) }));
  try {
    return await Promise.race([probe, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error and its cause (ECONNREFUSED, a timeout...), never a statement's parameters. */
function reasonOf(e: unknown): string {
  const error = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  const message = error?.message ?? String(e);
  const cause = error?.cause?.code ?? error?.cause?.message ?? error?.code;
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
