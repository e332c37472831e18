// createApp: the composition root. Builds the Yoga instance once from a typed configuration and
// an open database; the Node and Worker entries only read their environment and call it.
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import type { InputValidationError } from "@pothos/plugin-validation";
import { GraphQLError } from "graphql";
import { createYoga, type GraphiQLOptions, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { GraphCache } from "../cache/graph-cache.js";
import { ResilientStore } from "../cache/resilient.js";
import type { Database } from "../catalog/database.js";
import type { GraphQLContext } from "../graphql/context.js";
import { LIMITS } from "../graphql/limits.js";
import { schema } from "../graphql/schema.js";
import { EXAMPLE_OPERATIONS } from "./example-operations.js";
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
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  /** The whole HTTP surface: /graphql, /healthz, /readyz. */
  fetch(request: Request): Promise<Response>;
}

const REQUEST_ID = "x-request-id";

export function createApp(options: AppOptions): App {
  const logger = options.logger ?? consoleLogger;
  const { database } = options;
  const graphCache = options.graphCache ?? null;
  const wholeResponseCached = new WeakSet<Request>();
  const requestIds = new WeakMap<Request, string>();

  const requestIdPlugin: Plugin<GraphQLContext> = {
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set(REQUEST_ID, id);
    },
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
                ...(error.nodes ? { nodes: error.nodes } : {}),
                ...(error.path ? { path: error.path } : {}),
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
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // /healthz and /readyz are answered before Yoga (see fetch below).
    healthCheckEndpoint: "/_yoga-health",
    context: ({ request }) => ({
      db: database.db,
      requestId: requestIdOf(request, requestIds),
      graphCache: wholeResponseCached.has(request) ? null : graphCache,
    }),
    plugins: [
      maxAliasesPlugin({ n: LIMITS.maxAliases, exposeLimits: true }),
      maxTokensPlugin({ n: LIMITS.maxTokens, exposeLimits: true }),
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
          ...(isGraphQLError(error) ? { path: error.path, nodes: error.nodes } : {}),
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

  return {
    yoga,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/healthz") return Response.json({ status: "alive" });
      if (url.pathname === "/metrics") {
        return new Response(metricsText(graphCache), {
          headers: { "content-type": "text/plain; version=0.0.4" },
        });
      }
      if (url.pathname === "/readyz") {
        try {
          await database.db.execute("select 1");
          return Response.json({ status: "ready", driver: database.driver });
        } catch (e) {
          logger.error("readiness check failed", { error: (e as Error).message });
          return Response.json({ status: "unavailable" }, { status: 503 });
        }
      }
      if (url.pathname === "/") return Response.redirect(new URL("/graphql", url).toString(), 302);
      if (graphCache && url.pathname === "/graphql") {
        const cached = await cachedGraphResponse(request, graphCache, database.db, async (r) => {
          // The whole answer is being cached: no need to cache the traversal inside it too.
          wholeResponseCached.add(r);
          return yoga.fetch(r);
        });
        if (cached) return cached;
      }
      return yoga.fetch(request);
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
  const where = isGraphQLError(error) ? { path: error.path, nodes: error.nodes } : {};
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

function requestIdOf(request: Request, ids: WeakMap<Request, string>): string {
  let id = ids.get(request);
  if (!id) {
    const given = request.headers.get(REQUEST_ID);
    id = given && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
    ids.set(request, id);
  }
  return id;
}
