// Embedded PostgreSQL (WASM): the default, in AGENTRY_DATA_DIR or in memory. A data folder is
// held by one process at a time (./data-dir-lock.ts): two PGlite instances on one folder
// corrupt it.
// Timeouts (DatabaseConfig.timeouts) do not apply: there is no connection to wait for and no
// server that can hang apart from this process, and PGlite runs one statement at a time.
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { DatabaseConfig } from "../../config.js";
import { sendsBinaryParameters } from "../bulk.js";
import {
  type AgentryDb,
  CountingLogger,
  type Database,
  type DatabaseOptions,
  withCounters,
} from "../database.js";
import * as schema from "../schema.js";
import { inProcessLocks } from "./advisory-lock.js";
import { lockDataDir } from "./data-dir-lock.js";
import { DEFAULT_MIGRATIONS } from "./migrations.js";

/** PGlite could not open a data folder: damaged files (PostgreSQL's WASM build aborts on them). */
export class DataDirUnreadableError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(
      `the embedded catalog in ${dataDir} cannot be opened (${(cause as Error)?.message ?? String(cause)}). ` +
        "Its files are damaged, as two processes writing one folder at once leave them: " +
        `run \`agentry doctor\` for what can be saved, or move ${dataDir} aside and import again.`,
      { cause },
    );
  }
}

export async function openPglite(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  const logger = new CountingLogger(options.recordStatements ?? false);
  const lock = config.dataDir ? lockDataDir(config.dataDir) : null;
  let client: PGlite;
  try {
    client = config.dataDir
      ? new PGlite(config.dataDir)
      : new PGlite(options.pgliteDump ? { loadDataDir: options.pgliteDump } : {});
    // PGlite opens lazily: make a damaged folder fail here, with a message that says so.
    await client.waitReady;
    await client.query("select 1");
  } catch (e) {
    lock?.release();
    if (config.dataDir) throw new DataDirUnreadableError(config.dataDir, e);
    throw e;
  }
  // PGlite sends a Uint8Array parameter as binary: bulk inserts' text arrays go that way.
  const db = sendsBinaryParameters(drizzle({ client, schema, logger }) as unknown as AgentryDb);
  const advisoryLock = inProcessLocks();
  return withCounters(
    {
      driver: "pglite",
      db,
      transaction: (fn) => db.transaction((tx) => fn(sendsBinaryParameters(tx))),
      migrate: () =>
        migrate(db as never, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS }),
      advisoryLock,
      // In the process: nothing to cancel, and no network to hang. PGlite has one connection, so
      // a ping waits behind a long statement; readiness stops waiting at its own timeout.
      ping: async () => {
        await client.query("select 1");
      },
      close: async () => {
        try {
          await client.close();
        } finally {
          lock?.release();
        }
      },
    },
    logger,
  );
}
