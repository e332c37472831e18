// node-postgres: a pool to a PostgreSQL server (self-hosting, tests, benchmarks).
// Two pools, opened lazily: reads under the short statement timeout (or the long one with
// `workload: "batch"`), transactions and migrations under the long one, so that a timeout meant
// for a server's reads never cuts an import's batch (database.ts, poolTimeouts). Both wait at
// most `connectMs` for a connection and give up on a statement a second after the server
// should have cancelled it: a frozen server answers nothing, and the connection a timed-out
// query hung on is destroyed, not handed to the next request.
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { type DatabaseConfig, DEFAULT_DATABASE_TIMEOUTS } from "../../config.js";
import { sendsBinaryParameters } from "../bulk.js";
import {
  type AgentryDb,
  CountingLogger,
  type Database,
  type DatabaseOptions,
  poolTimeouts,
  withCounters,
} from "../database.js";
import * as schema from "../schema.js";
import { sessionAdvisoryLock } from "./advisory-lock.js";
import { DEFAULT_MIGRATIONS } from "./migrations.js";

export async function openNodePostgres(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  const logger = new CountingLogger(options.recordStatements ?? false);
  const newPool = (statement: "serve" | "batch", max: number) => {
    const pool = new pg.Pool({ connectionString: config.url!, max, ...poolTimeouts(config, statement) });
    // An idle client that loses its connection must not crash the process.
    pool.on("error", () => {});
    return pool;
  };
  const pool = newPool(options.workload ?? "serve", 10);
  // node-postgres sends a Uint8Array parameter as binary: bulk inserts' text arrays go that way.
  const db = sendsBinaryParameters(drizzle({ client: pool, schema, logger }) as unknown as AgentryDb);
  let batch: { pool: pg.Pool; db: AgentryDb } | null = null;
  const batchDb = (): AgentryDb => {
    if (options.workload === "batch") return db;
    if (!batch) {
      const p = newPool("batch", 4);
      batch = {
        pool: p,
        db: sendsBinaryParameters(drizzle({ client: p, schema, logger }) as unknown as AgentryDb),
      };
    }
    return batch.db;
  };
  const connectMs = (config.timeouts ?? DEFAULT_DATABASE_TIMEOUTS).connectMs;
  return withCounters(
    {
      driver: "pg",
      db,
      transaction: (fn) => batchDb().transaction((tx) => fn(sendsBinaryParameters(tx))),
      migrate: () =>
        migrate(batchDb() as never, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS }),
      close: async () => {
        await Promise.all([pool.end(), (batch as { pool: pg.Pool } | null)?.pool.end()]);
      },
      // No statement timeout: waiting for the lock is what this connection is for.
      advisoryLock: (key) =>
        sessionAdvisoryLock(
          new pg.Client({ connectionString: config.url!, connectionTimeoutMillis: connectMs }),
          key,
        ),
      ping: async (timeoutMs) => {
        // On the pool directly (not through drizzle: not a counted statement); a timed-out
        // query's connection is released with the error, so the pool destroys it.
        await pool.query({ text: "select 1", query_timeout: timeoutMs } as pg.QueryConfig);
      },
    },
    logger,
  );
}
