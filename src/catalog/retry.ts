// Transactions that PostgreSQL aborted to break a deadlock (40P01) or a serialization
// conflict (40001) are safe to run again from the start: nothing of theirs was committed.
// Imports lock shared rows in a fixed order, so this is the rare case, not the rule; but a
// deadlock is the server's decision, and one that reaches the user as raw SQL is a failure
// of ours. A few attempts with growing, jittered pauses.
const TRANSIENT = new Set(["40P01", "40001"]);
const ATTEMPTS = 5;

/** The SQLSTATE of a driver error, under drizzle's "Failed query" wrapper if need be. */
export function sqlState(e: unknown): string | null {
  for (let current = e as { code?: unknown; cause?: unknown } | undefined, i = 0; current && i < 5; i++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause as typeof current;
  }
  return null;
}

export async function retryTransient<T>(work: () => Promise<T>, attempts = ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      const state = sqlState(e);
      if (attempt >= attempts || state === null || !TRANSIENT.has(state)) throw e;
      const pause = 20 * 2 ** attempt * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
