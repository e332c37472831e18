// Neon through @neondatabase/serverless: HTTP mode (each query one fetch: nothing to keep
// between requests, the mode for reads on Workers) or WebSocket mode (a pool, for
// transactions). In HTTP mode, a transaction opens a WebSocket pool for just that call and
// ends it afterwards, as Neon advises for Workers (no connection kept across requests).
import { Client, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import { drizzle as drizzleWs } from "drizzle-orm/neon-serverless";
import type { DatabaseConfig } from "../../config.js";
import {
  type AgentryDb,
  type AgentryTx,
  CountingLogger,
  type Database,
  type DatabaseOptions,
  withCounters,
} from "../database.js";
import * as schema from "../schema.js";
import { sessionAdvisoryLock } from "./advisory-lock.js";

export async function openNeon(config: DatabaseConfig, options: DatabaseOptions): Promise<Database> {
  await configureNeon(config);
  const logger = new CountingLogger(options.recordStatements ?? false);
  const url = config.url!;
  const newPool = () => {
    const pool = new Pool({ connectionString: url });
    pool.on("error", () => {});
    return pool;
  };

  if (config.driver === "neon-ws") {
    const pool = newPool();
    const db = drizzleWs({ client: pool, schema, logger }) as unknown as AgentryDb;
    return withCounters(
      {
        driver: "neon-ws",
        db,
        transaction: (fn) => db.transaction(fn),
        migrate: () => migrateWith(db, options),
        close: () => pool.end(),
        advisoryLock: (key) => sessionAdvisoryLock(new Client({ connectionString: url }), key),
      },
      logger,
    );
  }

  const db = drizzleHttp({ client: neon(url), schema, logger }) as unknown as AgentryDb;
  const transaction = async <T>(fn: (tx: AgentryTx) => Promise<T>): Promise<T> => {
    const pool = newPool();
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
        const pool = newPool();
        try {
          await migrateWith(drizzleWs({ client: pool, schema, logger }) as unknown as AgentryDb, options);
        } finally {
          await pool.end();
        }
      },
      close: async () => {},
      advisoryLock: (key) => sessionAdvisoryLock(new Client({ connectionString: url }), key),
    },
    logger,
  );
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
    const pool = new Pool({ connectionString: url });
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
