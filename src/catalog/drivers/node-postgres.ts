// node-postgres: a pool to a PostgreSQL server (self-hosting, tests, benchmarks).
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { DatabaseConfig } from "../../config.js";
import {
  type AgentryDb,
  CountingLogger,
  type Database,
  type DatabaseOptions,
  withCounters,
} from "../database.js";
import * as schema from "../schema.js";
import { sessionAdvisoryLock } from "./advisory-lock.js";
import { DEFAULT_MIGRATIONS } from "./migrations.js";

export async function openNodePostgres(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  const logger = new CountingLogger(options.recordStatements ?? false);
  const pool = new pg.Pool({ connectionString: config.url!, max: 10 });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", () => {});
  const db = drizzle({ client: pool, schema, logger }) as unknown as AgentryDb;
  return withCounters(
    {
      driver: "pg",
      db,
      transaction: (fn) => db.transaction(fn),
      migrate: () =>
        migrate(db as never, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS }),
      close: () => pool.end(),
      advisoryLock: (key) => sessionAdvisoryLock(new pg.Client({ connectionString: config.url! }), key),
    },
    logger,
  );
}
