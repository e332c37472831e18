// Embedded PostgreSQL (WASM): the default, in AGENTRY_DATA_DIR or in memory.
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { DatabaseConfig } from "../../config.js";
import {
  type AgentryDb,
  CountingLogger,
  type Database,
  type DatabaseOptions,
  withCounters,
} from "../database.js";
import * as schema from "../schema.js";
import { DEFAULT_MIGRATIONS } from "./migrations.js";

export async function openPglite(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  const logger = new CountingLogger(options.recordStatements ?? false);
  if (config.dataDir) {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(config.dataDir, { recursive: true });
  }
  const client = config.dataDir ? new PGlite(config.dataDir) : new PGlite();
  const db = drizzle({ client, schema, logger }) as unknown as AgentryDb;
  return withCounters(
    {
      driver: "pglite",
      db,
      transaction: (fn) => db.transaction(fn),
      migrate: () =>
        migrate(db as never, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS }),
      close: () => client.close(),
    },
    logger,
  );
}
