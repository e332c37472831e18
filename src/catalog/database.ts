// One factory, chosen by configuration, giving the same drizzle database to the rest of the
// code: embedded PGlite (default), node-postgres (self-hosting), or Neon over HTTP or
// WebSocket (production). Reads go through `db`; writes that need a transaction go through
// `transaction`, which for Neon's HTTP mode opens a WebSocket pool, as Neon advises.
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { DatabaseConfig, DriverName } from "../config.js";
import type * as schema from "./schema.js";

export type Schema = typeof schema;
export type AgentryDb = PgDatabase<PgQueryResultHKT, Schema>;
export type AgentryTx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a catalog operation can run on: the database or an open transaction. */
export type Executor = AgentryDb | AgentryTx;

export interface Database {
  driver: DriverName;
  db: AgentryDb;
  transaction<T>(fn: (tx: AgentryTx) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Waits for the session-level advisory lock named `key`, held on a connection of its own
   * (./drivers/advisory-lock.ts) until the returned function releases it.
   */
  advisoryLock(key: string): Promise<() => Promise<void>>;
  /** SQL statements sent through drizzle since the database was opened (tests assert on it). */
  readonly statements: number;
  /** Each statement's text, when `recordStatements` was asked for (tests read it). */
  readonly log: string[];
}

export interface DatabaseOptions {
  /** Migrations folder; defaults to the repository's drizzle/. */
  migrationsFolder?: string;
  recordStatements?: boolean;
}

export class CountingLogger implements Logger {
  statements = 0;
  log: string[] = [];
  constructor(private readonly record: boolean) {}
  logQuery(query: string): void {
    this.statements++;
    if (this.record) this.log.push(query);
  }
}

/** Opens the database the configuration names (Node: every driver is available). */
export async function openDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<Database> {
  switch (config.driver) {
    case "pglite":
      return (await import("./drivers/pglite.js")).openPglite(config, options);
    case "pg":
      return (await import("./drivers/node-postgres.js")).openNodePostgres(config, options);
    case "neon-ws":
    case "neon-http":
      return (await import("./drivers/neon.js")).openNeon(config, options);
  }
}

/** The parts every driver shares: the statement counter and its log. */
export function withCounters(base: Omit<Database, "statements" | "log">, logger: CountingLogger): Database {
  return Object.defineProperties(base, {
    statements: { get: () => logger.statements, enumerable: true },
    log: { get: () => logger.log, enumerable: true },
  }) as Database;
}
