// One factory, chosen by configuration, giving the same drizzle database to the rest of the
// code: embedded PGlite (default), node-postgres (self-hosting), or Neon over HTTP or
// WebSocket (production). Reads go through `db`; writes that need a transaction go through
// `transaction`, which for Neon's HTTP mode opens a WebSocket pool, as Neon advises.
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { type DatabaseConfig, DEFAULT_DATABASE_TIMEOUTS, type DriverName } from "../config.js";
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
  /**
   * `select 1`, given up after `timeoutMs` where the driver can cancel it (the pg pool destroys
   * the connection it hung on; Neon's HTTP mode aborts the fetch). For readiness checks
   * (src/server/readiness.ts), which also stop waiting at that time on any driver.
   */
  ping(timeoutMs: number): Promise<void>;
  /** SQL statements sent through drizzle since the database was opened (tests assert on it). */
  readonly statements: number;
  /** Each statement's text, when `recordStatements` was asked for (tests read it). */
  readonly log: string[];
}

export interface DatabaseOptions {
  /** Migrations folder; defaults to the repository's drizzle/. */
  migrationsFolder?: string;
  recordStatements?: boolean;
  /**
   * Which statement timeout `db` runs under (DatabaseConfig.timeouts): `serve` (the default)
   * the short one meant for a server's reads, `batch` the long one meant for imports, doctor and
   * migrations. `transaction` and `migrate` always run under the batch one (a pool of their
   * own), so an import's batches are never cut by the reads' limit; an importing process should
   * still open with `batch`, since an import also runs statements outside its transactions
   * (search-vector catch-up, analyze).
   */
  workload?: "serve" | "batch";
  /**
   * PGlite in memory only: start from this dump of a data folder (PGlite's `dumpDataDir`)
   * instead of an empty cluster. The tests start every database from one migrated dump: initdb
   * and nine migrations took 2.5-4 s a database on this machine, loading the dump 0.7 s.
   */
  pgliteDump?: Blob;
}

/**
 * The settings every PostgreSQL pool gets (node-postgres, Neon's WebSocket pool): an acquire
 * and connect timeout, a server-side `statement_timeout`, a client-side `query_timeout` a
 * second later (a frozen server cancels nothing: the client stops waiting and drops the
 * connection), and `idle_in_transaction_session_timeout`. A statement timeout of 0 is none.
 */
export function poolTimeouts(config: DatabaseConfig, statement: "serve" | "batch") {
  const t = config.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const statementMs = statement === "batch" ? t.batchStatementMs : t.statementMs;
  return {
    connectionTimeoutMillis: t.connectMs,
    ...(statementMs > 0 ? { statement_timeout: statementMs, query_timeout: statementMs + 1000 } : {}),
    ...(t.idleInTransactionMs > 0 ? { idle_in_transaction_session_timeout: t.idleInTransactionMs } : {}),
  };
}

/** The time a statement of this workload may take before the client gives up on it. */
export function clientTimeoutMs(config: DatabaseConfig, statement: "serve" | "batch"): number | null {
  const t = config.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const statementMs = statement === "batch" ? t.batchStatementMs : t.statementMs;
  return statementMs > 0 ? statementMs + 1000 : null;
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
