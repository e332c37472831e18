// A session-level advisory lock on a connection of its own, outside the driver's pool: held
// for as long as an operation that spans many transactions (a whole import) runs. Not from
// the pool, so that ten imports waiting for their locks cannot take every pooled connection
// and leave none for the batches of the import that holds one (measured: a pool of 10 and 10
// concurrent imports hung). If the connection drops, the server releases the lock.
export interface LockClient {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
  on(event: "error", listener: (e: Error) => void): unknown;
}

/** Waits for the lock on `key`; the returned function releases it and closes the connection. */
export async function sessionAdvisoryLock(client: LockClient, key: string): Promise<() => Promise<void>> {
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext($1))", [key]);
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  return async () => {
    try {
      await client.query("select pg_advisory_unlock(hashtext($1))", [key]);
    } finally {
      await client.end().catch(() => {});
    }
  };
}

/** PGlite: one connection and one process; a queue per key in the process is the lock. */
export function inProcessLocks(): (key: string) => Promise<() => Promise<void>> {
  const tails = new Map<string, Promise<void>>();
  return async (key) => {
    const before = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    tails.set(key, tail);
    await before;
    return async () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    };
  };
}
