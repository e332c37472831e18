// createApp: the composition root. Builds the Yoga instance once from a typed configuration and
// an open database; the Node and Worker entries only read their environment and call it.
import type { InputValidationError } from "@pothos/plugin-validation";
import { GraphQLError, type GraphQLErrorOptions } from "graphql";
import { createYoga, type GraphiQLOptions, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { GraphCache } from "../cache/graph-cache.js";
import { ResilientStore } from "../cache/resilient.js";
import type { Database, Executor } from "../catalog/database.js";
import { type CorsConfig, readCorsConfig } from "../config.js";
import type { GraphQLContext } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import { EXAMPLE_OPERATIONS } from "./example-operations.js";
import { decorate, preflightResponse, requestIdOf } from "./http-headers.js";
import { limitsPlugins } from "./limits-plugin.js";
import { cachedGraphResponse } from "./response-cache.js";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: "info", message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: "error", message, ...fields })),
};

export interface AppOptions {
  database: Database;
  /** The cache of resolved agent graphs; none means every graph is computed. */
  graphCache?: GraphCache | null;
  logger?: Logger;
  /** More Yoga plugins from the entry: Node adds graphql-jit (./jit.ts), the Worker cannot. */
  plugins?: Plugin[];
  /** Renders GraphiQL on GET /graphql from a browser; `inline` needs no network (Node). */
  graphiql?: false | { render?: (options: GraphiQLOptions) => string | Promise<string> };
  /** Which browser origins may call the API; default: any, without credentials. */
  cors?: CorsConfig;
  /**
   * A connection for one request, closed when it is answered. The Worker's Neon WebSocket
   * pool needs it: workerd forbids I/O on a socket another request opened. Without it every
   * request reads through `database.db`.
   */
  connect?: () => Promise<RequestConnection>;
  /** The time budget of one request; its context's signal aborts when it is spent. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface RequestConnection {
  db: Executor;
  close(): Promise<void>;
}

/** What Yoga gets from our fetch for one request (its "server context"). */
interface RequestScope {
  requestId: string;
  db: Executor;
  /** null when the whole response is being cached: no need to cache the traversal inside it. */
  graphCache: GraphCache | null;
  /** Aborted when the client goes away or the request's time budget is spent. */
  signal: AbortSignal;
}

export interface App {
  yoga: YogaServerInstance<RequestScope, GraphQLContext>;
  graphCache: GraphCache | null;
  /**
   * The whole HTTP surface: /graphql, /healthz, /readyz, /metrics. `waitUntil` (the Worker's)
   * lets a request's connection close after its response is sent.
   */
  fetch(request: Request, lifetime?: { waitUntil(promise: Promise<unknown>): void }): Promise<Response>;
}

export function createApp(options: AppOptions): App {
  const logger = options.logger ?? consoleLogger;
  const { database } = options;
  const graphCache = options.graphCache ?? null;
  const cors = options.cors ?? readCorsConfig({});
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  const requestIdPlugin: Plugin<GraphQLContext> = {
    // Unexpected errors are logged here, where the request id is known, before masking
    // replaces them with a bare "Unexpected error." that carries the same id.
    onExecute() {
      return {
        onExecuteDone({ result, args }) {
          const results =
            "errors" in (result as object) ? [result as { errors?: readonly GraphQLError[] }] : [];
          for (const r of results) {
            const errors = (r.errors ?? []) as GraphQLError[];
            errors.forEach((error, i) => {
              if (!isUnexpected(error)) return;
              const original = error.originalError ?? error;
              // A copy that carries the request id: graphql-jit's errors have no extensions
              // object to add it to.
              errors[i] = new GraphQLError(error.message, {
                ...whereOf(error),
                originalError: original,
                extensions: { ...error.extensions, requestId: args.contextValue.requestId },
              });
              logger.error("unexpected error", {
                requestId: args.contextValue.requestId,
                path: error.path?.join("."),
                error: original.message,
                stack: original.stack,
              });
            });
          }
        },
      };
    },
  };

  const graphiql = options.graphiql ?? false;
  const renderGraphiQL = graphiql ? graphiql.render : undefined;
  const yoga = createYoga<RequestScope, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // /healthz and /readyz are answered before Yoga (see fetch below).
    healthCheckEndpoint: "/_yoga-health",
    // CORS for every response, Yoga's or not, is set in one place: ./http-headers.ts.
    cors: false,
    context: ({ db, requestId, graphCache, signal }) => ({ db, requestId, graphCache, signal }),
    plugins: [
      ...(limitsPlugins() as Plugin<GraphQLContext>[]),
      requestIdPlugin,
      ...((options.plugins ?? []) as Plugin<GraphQLContext>[]),
    ],
    maskedErrors: {
      maskError(error, message) {
        const client = clientError(error);
        if (client) return client;
        if (!isUnexpected(error)) return error as Error;
        const requestId = isGraphQLError(error) ? error.extensions?.requestId : undefined;
        return new GraphQLError(message, {
          ...whereOf(error),
          extensions: { code: "INTERNAL_SERVER_ERROR", ...(requestId ? { requestId } : {}) },
        });
      },
    },
    graphiql: graphiql ? { title: "Agentry", defaultQuery: EXAMPLE_OPERATIONS } : false,
    ...(renderGraphiQL ? { renderGraphiQL } : {}),
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => logger.info(String(args[0]), { args: args.slice(1).map(String) }),
      error: (...args: unknown[]) => logger.error(String(args[0]), { args: args.slice(1).map(String) }),
    },
  });

  /** Every path but the preflight; the caller decorates what it returns. */
  async function route(
    request: Request,
    requestId: string,
    db: Executor,
    signal: AbortSignal,
  ): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return Response.json({ status: "alive" });
    if (url.pathname === "/metrics") {
      return new Response(metricsText(graphCache), {
        headers: { "content-type": "text/plain; version=0.0.4" },
      });
    }
    if (url.pathname === "/readyz") {
      try {
        await db.execute("select 1");
        return Response.json({ status: "ready", driver: database.driver });
      } catch (e) {
        logger.error("readiness check failed", { requestId, error: (e as Error).message });
        return Response.json({ status: "unavailable" }, { status: 503 });
      }
    }
    // Not Response.redirect: its headers are immutable.
    if (url.pathname === "/") return new Response(null, { status: 302, headers: { location: "/graphql" } });
    if (graphCache && url.pathname === "/graphql") {
      const cached = await cachedGraphResponse(
        request,
        graphCache,
        db,
        async (r) => yoga.fetch(r, { requestId, db, graphCache: null, signal }),
        yoga.fetchAPI.Response,
      );
      if (cached) return cached;
    }
    return yoga.fetch(request, { requestId, db, graphCache, signal });
  }

  return {
    yoga,
    graphCache,
    async fetch(request, lifetime) {
      const requestId = requestIdOf(request);
      if (request.method === "OPTIONS")
        return decorate(request, preflightResponse(request, cors), requestId, cors);
      let connection: RequestConnection | null = null;
      let response: Response;
      try {
        connection = options.connect ? await options.connect() : null;
        const signal = AbortSignal.any([request.signal, AbortSignal.timeout(requestTimeoutMs)]);
        response = await route(request, requestId, connection?.db ?? database.db, signal);
      } catch (e) {
        // Outside Yoga (the cached path, a connection that could not open): answered like a
        // masked error, with the id that finds this log line.
        logger.error("request failed", { requestId, error: (e as Error).message, stack: (e as Error).stack });
        response = Response.json(
          {
            errors: [
              { message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR", requestId } },
            ],
          },
          { status: 500 },
        );
      } finally {
        if (connection) {
          const closing = connection.close().catch((e: Error) => {
            logger.error("closing the request's connection failed", { requestId, error: e.message });
          });
          if (lifetime) lifetime.waitUntil(closing);
          else await closing;
        }
      }
      return decorate(request, response, requestId, cors);
    },
  };
}

/** Prometheus text format: the graph cache's hits, misses, single-flight joins and errors. */
function metricsText(cache: GraphCache | null): string {
  const m = cache?.metrics ?? { hits: 0, misses: 0, joined: 0 };
  const errors = cache && cache.store instanceof ResilientStore ? cache.store.errors : 0;
  const store = cache?.store.kind ?? "none";
  return [
    "# HELP agentry_graph_cache_requests_total agentGraph reads by cache outcome.",
    "# TYPE agentry_graph_cache_requests_total counter",
    `agentry_graph_cache_requests_total{result="hit",store="${store}"} ${m.hits}`,
    `agentry_graph_cache_requests_total{result="miss",store="${store}"} ${m.misses}`,
    `agentry_graph_cache_requests_total{result="joined",store="${store}"} ${m.joined}`,
    "# HELP agentry_cache_errors_total Cache store failures answered from the database instead.",
    "# TYPE agentry_cache_errors_total counter",
    `agentry_cache_errors_total{store="${store}"} ${errors}`,
    "",
  ].join("\n");
}

/**
 * Errors about the request raised where the schema has no union for them (a connection's
 * arguments, a limit): a GraphQL error with a code the client can branch on.
 */
function clientError(error: unknown): GraphQLError | null {
  const original = isGraphQLError(error) ? error.originalError : error;
  if (!(original instanceof Error)) return null;
  const where = whereOf(error);
  if (Array.isArray((original as Partial<InputValidationError>).issues)) {
    const issues = (original as InputValidationError).issues.map((i) => ({
      path: (i.path ?? [])
        .map((p) => (typeof p === "object" && p !== null ? String(p.key) : String(p)))
        .join("."),
      message: i.message,
    }));
    return new GraphQLError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), {
      ...where,
      extensions: { code: "BAD_USER_INPUT", issues },
    });
  }
  if (original.name === "NotFoundError") {
    return new GraphQLError(original.message, { ...where, extensions: { code: "NOT_FOUND" } });
  }
  // Pothos' own refusals of what the client sent (a cursor that is not one: "Invalid base64
  // string"), which were masked and logged as unexpected.
  if (original.name === "PothosValidationError") {
    return new GraphQLError(original.message, { ...where, extensions: { code: "BAD_USER_INPUT" } });
  }
  return null;
}

/** Errors that were not meant for the client: anything but a GraphQLError made on purpose. */
function isUnexpected(error: unknown): boolean {
  if (clientError(error)) return false;
  if (!isGraphQLError(error)) return true;
  // Yoga's own request errors (bad JSON, wrong method) carry an HTTP status.
  if (error.extensions?.http) return false;
  const original = error.originalError;
  return Boolean(original) && !isGraphQLError(original);
}

/**
 * By name, not instanceof: graphql can be loaded twice (its CommonJS build by one package,
 * its ESM build by another), and an instanceof check then fails for errors made by the other.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === "GraphQLError";
}

/** Where an error points, in the forms GraphQLError computes `locations` from. */
function whereOf(error: unknown): Pick<GraphQLErrorOptions, "path" | "nodes" | "source" | "positions"> {
  if (!isGraphQLError(error)) return {};
  return {
    ...(error.path ? { path: error.path } : {}),
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source && error.positions ? { source: error.source, positions: error.positions } : {}),
  };
}
