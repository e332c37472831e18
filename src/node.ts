// The Node entry: reads the environment into the typed config, opens and migrates the
// database, loads the example catalog on first start, and serves the app over HTTP.
import { createServer, type IncomingMessage } from "node:http";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createServerAdapter } from "@whatwg-node/server";
import { type LocalAdmin, newLocalAdmin } from "./auth/local-admin.js";
import { removeLocalAdminFile, writeLocalAdminFile } from "./auth/local-admin-file.js";
import { createGraphCache } from "./cache/index.js";
import { preloadResilience } from "./cache/resilient.js";
import type { Database } from "./catalog/database.js";
import { openDatabase } from "./catalog/database.js";
import {
  readAuthConfig,
  readCacheConfig,
  readCorsConfig,
  readHttpConfig,
  readServerConfig,
} from "./config.js";
import { type App, consoleLogger, createApp, type Logger } from "./server/app.js";
import { loadExamplesIfEmpty } from "./server/examples.js";
import { jitPlugin } from "./server/jit.js";
import { createRateLimitBackend } from "./server/rate-limit.js";

export interface ServeOptions {
  env?: Record<string, string | undefined>;
  /** Overrides from `agentry serve` flags. */
  port?: number;
  host?: string;
  examples?: boolean;
}

export async function serve(options: ServeOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const config = readServerConfig(options.env ?? process.env);
  // Before the database opens: a malformed authentication variable stops start-up at once.
  readAuthConfig(options.env ?? process.env);
  const port = options.port ?? config.port;
  const host = options.host ?? config.host;
  const logger = consoleLogger;
  const database = await openDatabase(config.database);
  await database.migrate();
  if (options.examples ?? config.loadExamples) {
    const loaded = await loadExamplesIfEmpty(database);
    if (loaded) logger.info("loaded the example catalog", loaded);
  }
  await preloadResilience();
  // An embedded catalog in a folder: one process may open it, so `agentry import` comes
  // through this server with the token it leaves beside its lock (src/auth/local-admin.ts).
  const dataDir = config.database.driver === "pglite" ? config.database.dataDir : null;
  const env = options.env ?? process.env;
  const localAdmin = dataDir ? newLocalAdmin(env.USER || env.LOGNAME || "operator") : null;
  const app = createNodeApp(database, env, logger, { localAdmin });
  try {
    await app.ready();
  } catch (e) {
    await database.close();
    throw e;
  }
  // The socket's address is the caller (./server/rate-limit.ts callerKey).
  const server = createServer(
    createServerAdapter<{ req: IncomingMessage }>((request: Request, context) =>
      app.fetch(request, undefined, { address: context.req?.socket.remoteAddress ?? null }),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host}:${actualPort}/graphql`;
  if (dataDir && localAdmin) {
    // A wildcard address is not one to connect to: the loopback is this machine's.
    const reachable = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
    const local = reachable.includes(":") ? `[${reachable}]` : reachable;
    writeLocalAdminFile(dataDir, {
      url: `http://${local}:${actualPort}/graphql`,
      token: localAdmin.token,
      pid: process.pid,
    });
  }
  logger.info("agentry is serving", {
    url,
    driver: database.driver,
    cache: app.graphCache?.store.kind ?? "off",
  });

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting, let requests in flight finish, then release the database.
      if (dataDir && localAdmin) removeLocalAdminFile(dataDir, localAdmin.token);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      await database.close();
      logger.info("agentry stopped");
    })();
    return closing;
  };
  return { url, close };
}

/**
 * The app exactly as the Node server serves it (the parity tests build it with this too): the
 * graph cache the environment names, graphql-jit, CORS, and GraphiQL with its assets inline
 * (no CDN: the page works offline).
 */
export function createNodeApp(
  database: Database,
  env: Record<string, string | undefined>,
  logger: Logger = consoleLogger,
  extra: { localAdmin?: LocalAdmin | null } = {},
): App {
  const http = readHttpConfig(env);
  return createApp({
    database,
    logger,
    graphCache: createGraphCache(readCacheConfig(env), logger.error),
    cors: readCorsConfig(env),
    http,
    graphiql: { render: renderGraphiQL },
    plugins: http.jit ? [jitPlugin()] : [],
    rateLimit: createRateLimitBackend(env, logger.error),
    auth: readAuthConfig(env),
    localAdmin: extra.localAdmin ?? null,
  });
}

/** `npm start` / `agentry serve`: serve until SIGTERM or SIGINT, then shut down gracefully. */
export async function main(options: ServeOptions = {}): Promise<void> {
  const running = await serve(options);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
