// Neon through @neondatabase/serverless: HTTP mode (each query one fetch: nothing to keep
// between requests, the mode for reads on Workers) or WebSocket mode (a pool, for
// transactions). In HTTP mode, a transaction opens a WebSocket pool for just that call and
// ends it afterwards, as Neon advises for Workers (no connection kept across requests).
// Bounded waits (DatabaseConfig.timeouts): every WebSocket pool gets node-postgres' acquire,
// statement and query timeouts (database.ts, poolTimeouts), reads under the short statement
// timeout and transactions and migrations under the batch one, as in ./node-postgres.ts; each
// HTTP query's fetch is aborted when the client's timeout passes, so a hung HTTP endpoint fails
// the query instead of holding the request. (Neon's own proxy passes startup parameters such as
// statement_timeout through to direct connections; a PgBouncer pooled endpoint may not.)
import { Client, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import { drizzle as drizzleWs } from "drizzle-orm/neon-serverless";
import { type DatabaseConfig, DEFAULT_DATABASE_TIMEOUTS } from "../../config.js";
import {
  type AgentryDb,
  type AgentryTx,
  CountingLogger,
  clientTimeoutMs,
  type Database,
  type DatabaseOptions,
  poolTimeouts,
  withCounters,
} from "../database.js";
import * as schema from "../schema.js";
import { sessionAdvisoryLock } from "./advisory-lock.js";

export async function openNeon(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  await configureNeon(config);
  const logger = new CountingLogger(options.recordStatements ?? false);
  const url = config.url!;
  const workload = options.workload ?? "serve";
  const newPool = (statement: "serve" | "batch", max = 10) => {
    const pool = new Pool({ connectionString: url, max, ...poolTimeouts(config, statement) });
    pool.on("error", () => {});
    return pool;
  };
  const connectMs = (config.timeouts ?? DEFAULT_DATABASE_TIMEOUTS).connectMs;
  // No statement timeout: waiting for the lock is what this connection is for.
  const advisoryLock = (key: string) =>
    sessionAdvisoryLock(new Client({ connectionString: url, connectionTimeoutMillis: connectMs }), key);

  if (config.driver === "neon-ws") {
    const pool = newPool(workload);
    const db = drizzleWs({ client: pool, schema, logger }) as unknown as AgentryDb;
    let batch: { pool: Pool; db: AgentryDb } | null = null;
    const batchDb = (): AgentryDb => {
      if (workload === "batch") return db;
      if (!batch) {
        const p = newPool("batch", 4);
        batch = { pool: p, db: drizzleWs({ client: p, schema, logger }) as unknown as AgentryDb };
      }
      return batch.db;
    };
    return withCounters(
      {
        driver: "neon-ws",
        db,
        transaction: (fn) => batchDb().transaction(fn),
        migrate: () => migrateWith(batchDb(), options),
        close: async () => {
          await Promise.all([pool.end(), (batch as { pool: Pool } | null)?.pool.end()]);
        },
        advisoryLock,
        ping: async (timeoutMs) => {
          await pool.query({ text: "select 1", query_timeout: timeoutMs } as never);
        },
      },
      logger,
    );
  }

  const sql = neon(url, { fetchOptions: abortAfter(clientTimeoutMs(config, workload)) });
  const db = drizzleHttp({ client: sql, schema, logger }) as unknown as AgentryDb;
  const transaction = async <T>(fn: (tx: AgentryTx) => Promise<T>): Promise<T> => {
    const pool = newPool("batch", 1);
    try {
      return await (drizzleWs({ client: pool, schema, logger }) as unknown as AgentryDb).transaction(fn);
    } finally {
      await pool.end();
    }
  };
  return withCounters(
    {
      driver: "neon-http",
      db,
      transaction,
      migrate: async () => {
        const pool = newPool("batch", 1);
        try {
          await migrateWith(drizzleWs({ client: pool, schema, logger }) as unknown as AgentryDb, options);
        } finally {
          await pool.end();
        }
      },
      close: async () => {},
      advisoryLock,
      ping: async (timeoutMs) => {
        await sql.query("select 1", [], { fetchOptions: { signal: AbortSignal.timeout(timeoutMs) } });
      },
    },
    logger,
  );
}

/**
 * Fetch options whose `signal` is a new timeout signal each time they are read: neon() spreads
 * its `fetchOptions` into every query's fetch, so each query gets its own deadline.
 */
function abortAfter(ms: number | null): Record<string, unknown> {
  if (ms === null) return {};
  return Object.defineProperty({}, "signal", { enumerable: true, get: () => AbortSignal.timeout(ms) });
}

/**
 * The Worker's neon-ws driver: a WebSocket pool for one request, ended when it is answered.
 * workerd ties a socket to the request that opened it, so a pool kept in the isolate failed
 * the next request that reused one of its connections ("Cannot perform I/O on behalf of a
 * different request"): every second request.
 */
export async function neonRequestConnection(
  config: DatabaseConfig,
): Promise<() => Promise<{ db: AgentryDb; close(): Promise<void> }>> {
  await configureNeon(config);
  const url = config.url!;
  return async () => {
    const pool = new Pool({ connectionString: url, max: 10, ...poolTimeouts(config, "serve") });
    pool.on("error", () => {});
    return { db: drizzleWs({ client: pool, schema }) as unknown as AgentryDb, close: () => pool.end() };
  };
}

async function migrateWith(db: AgentryDb, options: DatabaseOptions): Promise<void> {
  const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
  const { DEFAULT_MIGRATIONS } = await import("./migrations.js");
  await migrate(db as never, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS });
}

async function configureNeon(config: DatabaseConfig): Promise<void> {
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
