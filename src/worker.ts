// The Cloudflare Workers entry: reads the bindings into the same typed configuration as the
// Node entry (zod-validated: a missing or malformed value fails with a message naming it),
// builds the app once per isolate, and serves it. Reads go through Neon's HTTP mode; a write
// that needs a transaction opens a WebSocket pool for that call only.
import { z } from "zod";
import { createGraphCache } from "./cache/index.js";
import type { Database } from "./catalog/database.js";
import { openNeon } from "./catalog/drivers/neon.js";
import { ConfigError, type DatabaseConfig, readCacheConfig, readDatabaseConfig } from "./config.js";
import { type App, consoleLogger, createApp } from "./server/app.js";

export interface Env {
  DATABASE_URL?: string;
  AGENTRY_DB_DRIVER?: string;
  AGENTRY_NEON_WS_PROXY?: string;
  AGENTRY_NEON_HTTP_ENDPOINT?: string;
  AGENTRY_NEON_INSECURE?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  AGENTRY_CACHE_MAX_BYTES?: string;
  AGENTRY_CACHE_TTL_SECONDS?: string;
  /** Workers static assets: GraphiQL's page with its scripts inline (no CDN). */
  ASSETS?: { fetch(request: Request): Promise<Response> };
}

const workerEnv = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is required: set it with `wrangler secret put DATABASE_URL`" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (Neon's connection string)"),
  AGENTRY_DB_DRIVER: z.enum(["neon-http", "neon-ws"]).default("neon-http"),
});

let app: Promise<App> | null = null;

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
  const database: Database = await openNeon(readWorkerConfig(env), {});
  // Upstash when its URL and token are bound; otherwise a per-isolate in-memory cache.
  const graphCache = createGraphCache(readCacheConfig(stringsOf(env)), consoleLogger.error);
  return createApp({ database, logger: consoleLogger, graphCache });
}

function stringsOf(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    // GraphiQL for browsers on GET /graphql, from static assets (its scripts are inline).
    if (
      request.method === "GET" &&
      url.pathname === "/graphql" &&
      wantsHtml(request) &&
      !url.searchParams.has("query") &&
      env.ASSETS
    ) {
      // Static assets serve graphiql.html at /graphiql (they redirect the .html form there).
      return env.ASSETS.fetch(new Request(new URL("/graphiql", url), request));
    }
    try {
      // Built once per isolate, not per request; a failed build is retried by the next request.
      app ??= buildApp(env).catch((e) => {
        app = null;
        throw e;
      });
      return await (await app).fetch(request);
    } catch (e) {
      const message = e instanceof ConfigError ? e.message : "the service could not start";
      consoleLogger.error("worker failed to start", { error: (e as Error).message });
      return Response.json(
        { errors: [{ message, extensions: { code: "SERVICE_UNAVAILABLE" } }] },
        { status: 503 },
      );
    }
  },
};

function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("text/html");
}
