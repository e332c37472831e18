// `agentry serve` and `npm start`: the Node server, with a start failure told as its cause
// (the database's, not drizzle's "Failed query: CREATE SCHEMA …").
import { DataDirLockedError } from "../catalog/drivers/data-dir-lock.js";
import { DataDirUnreadableError } from "../catalog/drivers/pglite.js";
import { ConfigError, readDatabaseConfig } from "../config.js";
import { DatabaseUnavailableError, describeDatabaseFailure, isDatabaseError } from "./database-errors.js";

export interface ServeFlags {
  port?: number;
  host?: string;
  examples?: boolean;
  databaseUrl?: string;
}

export async function serveCommand(opts: ServeFlags): Promise<void> {
  const { main: serveMain } = await import("../node.js");
  const env = opts.databaseUrl ? { ...process.env, DATABASE_URL: opts.databaseUrl } : process.env;
  try {
    await serveMain({
      env,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.examples === false ? { examples: false } : {}),
    });
  } catch (e) {
    if (e instanceof DataDirLockedError || e instanceof DataDirUnreadableError || e instanceof ConfigError)
      throw e;
    if (isDatabaseError(e)) throw describeDatabaseFailure(e, readDatabaseConfig(env), "serve");
    throw e;
  }
}

/** For scripts/start.ts: the errors a user can act on, as one line; anything else as it is. */
export function isExplained(e: unknown): e is Error {
  return (
    e instanceof DataDirLockedError ||
    e instanceof DataDirUnreadableError ||
    e instanceof ConfigError ||
    e instanceof DatabaseUnavailableError
  );
}
