// One factory, chosen by configuration, giving the same drizzle database to the rest of the
// code: embedded PGlite (default), node-postgres (self-hosting), or Neon over HTTP or
// WebSocket (production). Reads go through `db`; writes that need a transaction go through
// `transaction`, which for Neon's HTTP mode opens a WebSocket pool, as Neon advises.
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { DatabaseConfig, DriverName } from "../config.js";
import * as schema from "./schema.js";

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

class CountingLogger implements Logger {
  statements = 0;
  log: string[] = [];
  constructor(private readonly record: boolean) {}
  logQuery(query: string): void {
    this.statements++;
    if (this.record) this.log.push(query);
  }
}

const DEFAULT_MIGRATIONS = new URL("../../drizzle", import.meta.url).pathname;

export async function openDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Promise<Database> {
  const logger = new CountingLogger(options.recordStatements ?? false);
  const migrationsFolder = options.migrationsFolder ?? DEFAULT_MIGRATIONS;
  const common = {
    get statements() {
      return logger.statements;
    },
    get log() {
      return logger.log;
    },
  };
  switch (config.driver) {
    case "pglite": {
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      if (config.dataDir) {
        const { mkdir } = await import("node:fs/promises");
        await mkdir(config.dataDir, { recursive: true });
      }
      const client = config.dataDir ? new PGlite(config.dataDir) : new PGlite();
      const db = drizzle({ client, schema, logger }) as unknown as AgentryDb;
      return Object.defineProperties(
        {
          driver: "pglite" as const,
          db,
          transaction: (fn) => db.transaction(fn),
          migrate: () => migrate(db as never, { migrationsFolder }),
          close: () => client.close(),
        } satisfies Omit<Database, "statements" | "log">,
        Object.getOwnPropertyDescriptors(common),
      ) as Database;
    }
    case "pg": {
      const pg = (await import("pg")).default;
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const { migrate } = await import("drizzle-orm/node-postgres/migrator");
      const pool = new pg.Pool({ connectionString: config.url!, max: 10 });
      // An idle client that loses its connection must not crash the process.
      pool.on("error", () => {});
      const db = drizzle({ client: pool, schema, logger }) as unknown as AgentryDb;
      return Object.defineProperties(
        {
          driver: "pg" as const,
          db,
          transaction: (fn) => db.transaction(fn),
          migrate: () => migrate(db as never, { migrationsFolder }),
          close: () => pool.end(),
        } satisfies Omit<Database, "statements" | "log">,
        Object.getOwnPropertyDescriptors(common),
      ) as Database;
    }
    case "neon-ws":
    case "neon-http": {
      const neon = await import("@neondatabase/serverless");
      await configureNeon(neon.neonConfig, config);
      const { drizzle: drizzleWs } = await import("drizzle-orm/neon-serverless");
      const pool = new neon.Pool({ connectionString: config.url! });
      pool.on("error", () => {});
      const wsDb = drizzleWs({ client: pool, schema, logger }) as unknown as AgentryDb;
      let db = wsDb;
      if (config.driver === "neon-http") {
        const { drizzle: drizzleHttp } = await import("drizzle-orm/neon-http");
        db = drizzleHttp({ client: neon.neon(config.url!), schema, logger }) as unknown as AgentryDb;
      }
      const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
      return Object.defineProperties(
        {
          driver: config.driver,
          db,
          transaction: (fn) => wsDb.transaction(fn),
          migrate: () => migrate(wsDb as never, { migrationsFolder }),
          close: () => pool.end(),
        } satisfies Omit<Database, "statements" | "log">,
        Object.getOwnPropertyDescriptors(common),
      ) as Database;
    }
  }
}

type NeonConfig = typeof import("@neondatabase/serverless").neonConfig;

async function configureNeon(neonConfig: NeonConfig, config: DatabaseConfig): Promise<void> {
  // Node has no global WebSocket before v22; Workers do.
  if (typeof WebSocket === "undefined") neonConfig.webSocketConstructor = (await import("ws")).default;
  const { wsProxy, httpEndpoint, insecure } = config.neon;
  if (wsProxy)
    neonConfig.wsProxy = (host, port) =>
      `${wsProxy}${wsProxy.includes("?") ? "&" : "?"}address=${host}:${port}`;
  if (httpEndpoint) neonConfig.fetchEndpoint = () => httpEndpoint;
  if (insecure) {
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    // Pipelining the startup message breaks password authentication through a plain relay.
    neonConfig.pipelineConnect = false;
  }
}
