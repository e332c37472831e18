// The Cloudflare Workers entry: reads the bindings into the same typed configuration as the
// Node entry (zod-validated: a missing or malformed value fails with a message naming it),
// builds the app once per isolate (and set of bindings), and serves it. With neon-http (the
// default) every query is one fetch; with neon-ws each request opens its own WebSocket pool
// and ends it when answered, since workerd forbids a socket to outlive its request.
import { z } from "zod";
import { createGraphCache } from "./cache/index.js";
import { preloadResilience } from "./cache/resilient.js";
import type { Database } from "./catalog/database.js";
import { neonRequestConnection, openNeon } from "./catalog/drivers/neon.js";
import {
  ConfigError,
  type CorsConfig,
  type DatabaseConfig,
  readAuthConfig,
  readCacheConfig,
  readCorsConfig,
  readDatabaseConfig,
  readHttpConfig,
} from "./config.js";
import { type App, consoleLogger, createApp } from "./server/app.js";
import { explorerAssetResponse, isExplorerPath } from "./server/explorer.js";
import { decorate, requestIdOf } from "./server/http-headers.js";
import { createRateLimitBackend } from "./server/rate-limit.js";
export interface Env {
  DATABASE_URL?: string;
  AGENTRY_DB_DRIVER?: string;
  AGENTRY_NEON_WS_PROXY?: string;
  AGENTRY_NEON_HTTP_ENDPOINT?: string;
  AGENTRY_NEON_INSECURE?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  AGENTRY_CACHE?: string;
  AGENTRY_CACHE_MAX_BYTES?: string;
  AGENTRY_CACHE_TTL_SECONDS?: string;
  AGENTRY_CACHE_TIMEOUT_MS?: string;
  AGENTRY_CACHE_PREFIX?: string;
  AGENTRY_CORS_ORIGINS?: string;
  AGENTRY_CORS_MAX_AGE_SECONDS?: string;
  AGENTRY_RATE_LIMIT?: string;
  AGENTRY_RATE_LIMIT_POINTS?: string;
  /** Who may call (src/auth/authenticate.ts; README, "Authentication"). */
  AGENTRY_READ_ACCESS?: string;
  AGENTRY_JWT_JWKS_URL?: string;
  AGENTRY_JWT_PUBLIC_KEY?: string;
  AGENTRY_JWT_ALGORITHMS?: string;
  AGENTRY_JWT_ISSUER?: string;
  AGENTRY_JWT_AUDIENCE?: string;
  AGENTRY_JWT_CLOCK_TOLERANCE?: string;
  AGENTRY_JWT_SCOPES_CLAIM?: string;
  AGENTRY_JWT_JWKS_TIMEOUT_MS?: string;
  /** Workers static assets: GraphiQL's page with its scripts inline (no CDN). */
  ASSETS?: { fetch(request: Request): Promise<Response> };
}

const workerEnv = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is required: set it with `wrangler secret put DATABASE_URL`" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (Neon's connection string)"),
  AGENTRY_DB_DRIVER: z.enum(["neon-http", "neon-ws"]).default("neon-http"),
});

/** Apps by their bindings' values: one per isolate in production, one per binding set in tests. */
const apps = new Map<string, Promise<App>>();
/** The same, by the bindings object: workerd hands every request of an isolate the same one. */
const appsByEnv = new WeakMap<Env, Promise<App>>();

/** The Worker's bindings as the typed configuration; a missing or malformed one is named. */
export function readWorkerConfig(env: Env): DatabaseConfig {
  const parsed = workerEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return readDatabaseConfig({ ...stringsOf(env), AGENTRY_DB_DRIVER: parsed.data.AGENTRY_DB_DRIVER });
}

async function buildApp(env: Env): Promise<App> {
  const strings = stringsOf(env);
  const config = readWorkerConfig(env);
  const cors = readCorsConfig(strings);
  const http = readHttpConfig(strings);
  const auth = readAuthConfig(strings);
  const database: Database = await openNeon(config, {});
  // Upstash when its URL and token are bound; otherwise a per-isolate in-memory cache.
  // cockatiel loads here, inside a request: workerd forbids what its module does on load.
  await preloadResilience();
  const graphCache = createGraphCache(readCacheConfig(strings), consoleLogger.error);
  const connect = config.driver === "neon-ws" ? await neonRequestConnection(config) : undefined;
  const app = createApp({
    database,
    logger: consoleLogger,
    graphCache,
    cors,
    http,
    admission: false,
    // Upstash when bound: one budget for every isolate; otherwise one per isolate.
    rateLimit: createRateLimitBackend(strings, consoleLogger.error),
    auth,
    ...(connect ? { connect } : {}),
  });
  // A static JWT key that does not import fails the build (503 naming the binding), not each request.
  try {
    await app.ready();
  } catch (e) {
    await database.close().catch(() => {});
    throw e;
  }
  return app;
}

function appFor(env: Env): Promise<App> {
  const known = appsByEnv.get(env);
  if (known) return known;
  const key = JSON.stringify(stringsOf(env));
  let app = apps.get(key);
  if (!app) {
    // A failed build is retried by the next request.
    app = buildApp(env).catch((e) => {
      apps.delete(key);
      appsByEnv.delete(env);
      throw e;
    });
    apps.set(key, app);
  }
  appsByEnv.set(env, app);
  return app;
}

/** For the answers made before there is an app: the bindings' CORS, or the default. */
function corsOf(env: Env): CorsConfig {
  try {
    return readCorsConfig(stringsOf(env));
  } catch {
    return readCorsConfig({});
  }
}

function graphiqlOn(env: Env): boolean {
  try {
    return readHttpConfig(stringsOf(env)).graphiql;
  } catch {
    return false;
  }
}

function stringsOf(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}

export default {
  async fetch(
    request: Request,
    env: Env,
    ctx?: { waitUntil(promise: Promise<unknown>): void },
  ): Promise<Response> {
    const url = new URL(request.url);
    // The graph explorer (/explore), from static assets with its own CSP (server/explorer.ts).
    if (env.ASSETS && isExplorerPath(url.pathname))
      return explorerAssetResponse(request, env.ASSETS, corsOf(env));
    // GraphiQL for browsers on GET /graphql, from static assets (its scripts are inline).
    if (
      request.method === "GET" &&
      url.pathname === "/graphql" &&
      wantsHtml(request) &&
      !url.searchParams.has("query") &&
      env.ASSETS &&
      graphiqlOn(env)
    ) {
      // Static assets serve graphiql.html at /graphiql (they redirect the .html form there).
      const page = await env.ASSETS.fetch(new Request(new URL("/graphiql", url), request));
      return decorate(request, page, requestIdOf(request), corsOf(env));
    }
    let app: App;
    try {
      app = await appFor(env);
    } catch (e) {
      // Only the build is a start: the app answers its own failures (an unreachable database
      // included) as failed requests, with their request ids.
      const requestId = requestIdOf(request);
      const message = e instanceof ConfigError ? e.message : "the service could not start";
      consoleLogger.error("worker failed to start", { requestId, error: (e as Error).message });
      const response = Response.json(
        { errors: [{ message, extensions: { code: "SERVICE_UNAVAILABLE", requestId } }] },
        { status: 503 },
      );
      return decorate(request, response, requestId, corsOf(env));
    }
    // Cloudflare sets CF-Connecting-IP to the client's address; a client cannot set it.
    return app.fetch(request, ctx, { address: request.headers.get("cf-connecting-ip") });
  },
};

function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("text/html");
}
