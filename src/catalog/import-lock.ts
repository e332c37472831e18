// One import of a source at a time, for the whole import: every batch, and the search-vector
// catch-up at the end. Round 1 took the source's advisory lock inside each batch's
// transaction only, so two imports of one source interleaved their batches and the catch-up
// ran outside any lock: two imports of one source deadlocked in 1 of 1 runs. The lock is a
// session-level advisory lock on a connection of its own (every driver: node-postgres, Neon
// over WebSocket or HTTP), or a queue in the process on PGlite (one process per folder).
import type { Database } from "./database.js";

export async function withImportLock<T>(
  database: Database,
  source: string,
  work: () => Promise<T>,
): Promise<T> {
  const release = await database.advisoryLock(`agentry:source:${source}`);
  try {
    return await work();
  } finally {
    await release();
  }
}
