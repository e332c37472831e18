// createApp: the composition root. Builds the Yoga instance once from a typed configuration and
// an open database; the Node and Worker entries only read their environment and call it.
import { AsyncLocalStorage } from "node:async_hooks";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { type DocumentNode, GraphQLError, type ValidationRule, type validate } from "graphql";
import {
  createYoga,
  type GraphiQLOptions,
  type GraphQLParams,
  type Plugin,
  type YogaServerInstance,
} from "graphql-yoga";
import { LRUCache } from "lru-cache";
import {
  authenticationUnavailableResponse,
  createAuthenticator,
  unauthenticatedResponse,
} from "../auth/authenticate.js";
import { type Caller, viewOf } from "../auth/caller.js";
import type { LocalAdmin } from "../auth/local-admin.js";
import type { GraphCache } from "../cache/graph-cache.js";
import { ResilientStore } from "../cache/resilient.js";
import type { Database, Executor } from "../catalog/database.js";
import {
  type AuthConfig,
  type CorsConfig,
  type HttpConfig,
  readAuthConfig,
  readCorsConfig,
  readHttpConfig,
} from "../config.js";
import type { GraphQLContext } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import { Admission } from "./admission.js";
import { describeError } from "./error-log.js";
import { clientError, isGraphQLError, isUnexpected, whereOf } from "./error-masking.js";
import { EXAMPLE_OPERATIONS } from "./example-operations.js";
import { isExplorerPath, serveExplorer } from "./explorer.js";
import { decorate, preflightResponse, requestIdOf } from "./http-headers.js";
import { limitsPlugins } from "./limits-plugin.js";
import { metricsText } from "./metrics.js";
import {
  callerKey,
  isLimited,
  MemoryRateLimit,
  type RateCharge,
  type RateLimitBackend,
  rateLimitedError,
  rateLimitedResponse,
  rateLimitHeaders,
} from "./rate-limit.js";
import { checkReadiness } from "./readiness.js";
import { readGraphQLBody } from "./request-body.js";
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
  /** Limits and switches of the HTTP surface (src/config.ts); default: readHttpConfig({}). */
  http?: HttpConfig;
  /** Overrides `http.requestTimeoutMs` (tests of the deadline). */
  requestTimeoutMs?: number;
  /**
   * false: no admission control (the Worker: Cloudflare spreads requests over isolates, and a
   * queued request resumed from another request's promise may not do I/O in workerd, so six
   * concurrent requests hung there).
   */
  admission?: false;
  /**
   * A connection for one request, closed when it is answered. The Worker's Neon WebSocket
   * pool needs it: workerd forbids I/O on a socket another request opened. Without it every
   * request reads through `database.db`.
   */
  connect?: () => Promise<RequestConnection>;
  /**
   * Limits per caller (./rate-limit.ts): the entries pass the backend their environment names
   * (createRateLimitBackend: Upstash or in process, on unless AGENTRY_RATE_LIMIT=off); omitted
   * or false: none (apps composed by hand, in tests).
   */
  rateLimit?: RateLimitBackend | null | false;
  /**
   * Who may call (src/auth/authenticate.ts): the anonymous policy and the JWT issuer; the
   * entries read it with readAuthConfig(env). Default: readAuthConfig({}) (anonymous callers
   * read public sources, API keys are checked, no JWTs).
   */
  /**
   * The local admin token (src/auth/local-admin.ts): `npm start` on an embedded catalog makes
   * one so that `agentry import` can go through it.
   */
  localAdmin?: LocalAdmin | null;
  auth?: AuthConfig;
}

/** What the app knows of the client beyond the request: the socket's address (Node). */
export interface Peer {
  address?: string | null;
}

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
  /** A POST's parameters, read and checked by ./request-body.ts: Yoga does not parse again. */
  params: GraphQLParams | null;
  /** The caller and what it was charged (null: not limited). */
  rate: RateCharge | null;
  /** Who is calling (src/auth/authenticate.ts), known before the body is read. */
  caller: Caller;
}

export interface App {
  yoga: YogaServerInstance<RequestScope, GraphQLContext>;
  graphCache: GraphCache | null;
  /**
   * Resolves once what start-up can check is checked: a static JWT key that does not import
   * rejects with a ConfigError naming AGENTRY_JWT_PUBLIC_KEY. The entries await it.
   */
  ready(): Promise<void>;
  /**
   * The whole HTTP surface: /graphql, /healthz, /readyz, /metrics. `waitUntil` (the Worker's)
   * lets a request's connection close after its response is sent.
   */
  fetch(
    request: Request,
    lifetime?: { waitUntil(promise: Promise<unknown>): void },
    peer?: Peer,
  ): Promise<Response>;
}

/**
 * AGENTRY_INTROSPECTION=off. graphql-js's NoSchemaIntrospectionCustomRule compares types by
 * instance, and graphql is loaded twice here (its CommonJS build by one package, its ESM build
 * by another): it threw "Cannot use GraphQLNonNull from another module". By field name instead.
 */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type")
      context.reportError(
        new GraphQLError(`GraphQL introspection is off here (${node.name.value}); the SDL is in schema/`, {
          nodes: node,
          extensions: { code: "INTROSPECTION_DISABLED" },
        }),
      );
  },
});

/** Headers that make a GET a non-simple request (a browser preflights it): see useCSRFPrevention. */
const CSRF_HEADERS = ["x-graphql-yoga-csrf", "apollo-require-preflight", "x-apollo-operation-name"];

/**
 * Refused credentials one address may present a minute, in process, when limits are on; then
 * its requests with an Authorization header are refused (429) before any key is looked up, so
 * that guessing keys costs the database at most this many reads a minute per address and
 * instance. A caller whose credential is good never counts here.
 */
export const AUTH_FAILURES_PER_MINUTE = 100;

export function createApp(options: AppOptions): App {
  const logger = options.logger ?? consoleLogger;
  const { database } = options;
  const graphCache = options.graphCache ?? null;
  const cors = options.cors ?? readCorsConfig({});
  const http = options.http ?? readHttpConfig({});
  const requestTimeoutMs = options.requestTimeoutMs ?? http.requestTimeoutMs;
  const admission = options.admission === false ? null : new Admission(http.admission);
  const limiter = options.rateLimit || null;
  const authenticator = createAuthenticator(
    options.auth ?? readAuthConfig({}),
    logger.info,
    options.localAdmin ?? null,
  );
  const authFailures = limiter ? new MemoryRateLimit(AUTH_FAILURES_PER_MINUTE) : null;
  /** Each operation's cost, measured once by the limits plugin, by its request. */
  const costs = new WeakMap<Request, number>();

  // The rest of a request's cost (it paid 1 at the door), charged after the limits passed and
  // before anything runs: a refused request runs no resolver, so no SQL.
  const rateLimitPlugin: Plugin<GraphQLContext> = {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as { rate?: RateCharge | null; request?: Request };
      const rate = context.rate;
      const cost = context.request ? costs.get(context.request) : undefined;
      if (!limiter || !rate || cost === undefined || cost <= 1) return;
      const decision = await limiter.charge(rate.key, cost - 1);
      rate.decision = decision;
      if (!decision.allowed) setResultAndStopExecution({ errors: [rateLimitedError(decision, cost)] });
    },
  };

  // Errors Yoga logs itself (whatever its maskError replaced) that were logged already, here
  // with their request id, or that are the client's: Yoga logged each unexpected execution
  // error a second time, without its request id, and every argument error as "Validation error".
  const logged = new WeakSet<object>();
  const requestIds = new AsyncLocalStorage<string>();

  const requestIdPlugin: Plugin<GraphQLContext> = {
    // Unexpected errors are logged here, once, where the request id is known, before masking
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
              logged.add(errors[i]!);
              logger.error("unexpected error", {
                requestId: args.contextValue.requestId,
                path: error.path?.join("."),
                ...describeError(original),
              });
            });
          }
        },
      };
    },
  };

  /** The parameters ./request-body.ts read, given to Yoga instead of its own body parser. */
  const parsedBodyPlugin: Plugin<GraphQLContext, RequestScope> = {
    onRequestParse({ serverContext, setRequestParser }) {
      const params = (serverContext as Partial<RequestScope>).params;
      if (params) setRequestParser(() => params);
    },
  };

  const introspectionOff: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };

  const graphiql = http.graphiql ? (options.graphiql ?? false) : false;
  const renderGraphiQL = graphiql ? graphiql.render : undefined;
  const yoga = createYoga<RequestScope, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // /healthz and /readyz are answered before Yoga (see fetch below).
    healthCheckEndpoint: "/_yoga-health",
    // CORS for every response, Yoga's or not, is set in one place: ./http-headers.ts.
    cors: false,
    // Bodies are limited as they stream in by ./request-body.ts, on every path, and Yoga gets
    // them parsed: its own limit would wrap a body that has already been read.
    maxRequestBodySize: false,
    // Parsed documents by query text: a document keeps about 256 bytes a token, so Yoga's
    // default 1,024 entries of 2,000-token documents could hold 0.5 GB; 128 hold 64 MB at
    // most, and clients send the same few operations again and again.
    parserAndValidationCache: {
      documentCache: new LRUCache<string, DocumentNode>({ max: 128 }),
      errorCache: new LRUCache<string, object>({ max: 128 }),
      validationCache: new LRUCache<string, typeof validate>({ max: 128 }),
    },
    context: ({ db, requestId, graphCache, signal, rate, caller }) => ({
      db,
      requestId,
      graphCache,
      signal,
      rate,
      caller,
      view: viewOf(caller),
      // Neon's HTTP driver has no transactions on `db`; its Database opens a pool per write.
      ...(options.connect ? {} : { database }),
    }),
    plugins: [
      parsedBodyPlugin,
      // A GET runs a query only with a header a cross-site page cannot send without a preflight.
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      ...(limitsPlugins({ onCost: (request, cost) => costs.set(request, cost) }) as Plugin<GraphQLContext>[]),
      rateLimitPlugin,
      ...(http.introspection ? [] : [introspectionOff as Plugin<GraphQLContext>]),
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
      error: (...args: unknown[]) => {
        const [first] = args;
        if (first instanceof Error && (logged.has(first) || !isUnexpected(first))) return;
        logger.error("unexpected error", { requestId: requestIds.getStore(), ...describeError(first) });
      },
    },
  });

  /** Every path but the preflight; the caller decorates what it returns. */
  async function route(
    request: Request,
    scope: Omit<RequestScope, "params" | "caller">,
    peer: Peer | undefined,
  ): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return Response.json({ status: "alive" });
    if (url.pathname === "/metrics" && http.metrics) {
      return new Response(metricsText(graphCache, admission), {
        headers: { "content-type": "text/plain; version=0.0.4" },
      });
    }
    if (url.pathname === "/readyz") {
      // Within a second whatever the database does (a frozen server never answered at all):
      // the per-request connection where there is one (the Worker), else the pool's ping.
      const ready = await checkReadiness(options.connect ? scope.db : database);
      if (ready.ok) return Response.json({ status: "ready", driver: database.driver });
      logger.error("readiness check failed", { requestId: scope.requestId, reason: ready.reason });
      return Response.json({ status: "unavailable" }, { status: 503 });
    }
    // Not Response.redirect: its headers are immutable.
    if (url.pathname === "/") return new Response(null, { status: 302, headers: { location: "/graphql" } });
    // Who is calling, before the body is read: one indexed read for an API key, none otherwise.
    // Without a header (most requests) no address and no promise: the anonymous caller at once.
    const presented = request.headers.has("authorization");
    const address = presented && authFailures ? callerKey(request, peer, http.trustProxy) : "";
    if (presented && authFailures) {
      // A charge of 0 reads the count: refused once this minute's failures reached the limit.
      const spent = authFailures.chargeNow(`auth:${address}`, 0);
      if (spent.remaining <= 0) return tooManyRefusals(spent, scope.requestId);
    }
    const auth = presented
      ? await authenticator.authenticate(request, scope.db)
      : { ok: true as const, caller: authenticator.anonymous };
    if (!auth.ok) {
      if (auth.reason === "unavailable") {
        logger.error("a credential could not be checked", {
          requestId: scope.requestId,
          ...auth.log,
          ...describeError(auth.cause),
        });
        return authenticationUnavailableResponse(scope.requestId);
      }
      authFailures?.chargeNow(`auth:${address}`, 1);
      logger.info("a credential was refused", { requestId: scope.requestId, ...auth.log });
      return unauthenticatedResponse(scope.requestId);
    }
    const caller = auth.caller;
    // AGENTRY_READ_ACCESS=token: an anonymous caller holds nothing, so it gets nothing but
    // GraphiQL's page (which then asks for a token): every operation needs a credential.
    if (caller.kind === "anonymous" && caller.scopes.length === 0 && !isGraphiQLPage(request, url))
      return credentialRequiredResponse(scope.requestId);
    if (scope.rate) scope.rate.key = callerKey(request, peer, http.trustProxy, caller);
    // Every GraphQL request pays 1 point first, before its body is read: garbage too.
    if (scope.rate && limiter) {
      const decision = await limiter.charge(scope.rate.key, 1);
      scope.rate.decision = decision;
      if (!decision.allowed) return rateLimitedResponse(decision, 1);
    }
    let params: GraphQLParams | null = null;
    if (url.pathname === "/graphql" && request.method === "POST") {
      const body = await readGraphQLBody(request, http.maxBodyBytes);
      if ("refusal" in body) return body.refusal;
      params = body.params;
    }
    if (url.pathname !== "/graphql") return yoga.fetch(request, { ...scope, caller, graphCache, params });
    const work = async () => {
      if (graphCache && params) {
        const cached = await cachedGraphResponse(
          request,
          params,
          graphCache,
          scope.db,
          viewOf(caller),
          async (r) => yoga.fetch(r, { ...scope, caller, graphCache: null, params }),
          yoga.fetchAPI.Response,
          (r) => costs.get(r),
        );
        if (cached) {
          // A hit pays what its miss cost, less the door's point, as Yoga's plugin charges it.
          if (cached.cost !== null && cached.cost > 1 && limiter && scope.rate) {
            const decision = await limiter.charge(scope.rate.key, cached.cost - 1);
            scope.rate.decision = decision;
            if (!decision.allowed) {
              await cached.response.body?.cancel();
              return rateLimitedResponse(decision, cached.cost);
            }
          }
          return cached.response;
        }
      }
      return yoga.fetch(request, { ...scope, caller, graphCache, params });
    };
    return admission ? admission.run(work, scope.signal) : work();
  }

  return {
    yoga,
    graphCache,
    ready: () => authenticator.ready(),
    async fetch(request, lifetime, peer) {
      const requestId = requestIdOf(request);
      if (request.method === "OPTIONS")
        return decorate(request, preflightResponse(request, cors), requestId, cors);
      // The graph explorer's static page and files (./explorer.ts): no caller, no database.
      if (isExplorerPath(new URL(request.url).pathname)) return serveExplorer(request, requestId, cors);
      let connection: RequestConnection | null = null;
      let response: Response;
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(requestTimeoutMs)]);
      // Its key is the caller's, set once the caller is known (route).
      const rate: RateCharge | null =
        limiter && isLimited(request, new URL(request.url)) ? { key: "", decision: null } : null;
      try {
        connection = options.connect ? await options.connect() : null;
        const db = connection?.db ?? database.db;
        response = await requestIds.run(requestId, () =>
          route(request, { requestId, db, graphCache, signal, rate }, peer),
        );
      } catch (e) {
        if (signal.aborted) {
          // The client left, or the budget was spent, outside Yoga (the cached path, the body):
          // not a failure of ours.
          response = Response.json(
            {
              errors: [
                {
                  message: "the request was stopped: its client went away or its time budget was spent",
                  extensions: { code: "REQUEST_TIMEOUT", requestId },
                },
              ],
            },
            { status: 503, headers: { "retry-after": "1" } },
          );
          return decorate(request, response, requestId, cors);
        }
        // The one catch outside Yoga (the cached path, a body that failed mid-stream, a
        // connection that could not open): answered like a masked error, with the id that
        // finds this log line, never with the error's own text.
        logger.error("request failed", { requestId, ...describeError(e) });
        response = Response.json(
          {
            errors: [
              { message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR", requestId } },
            ],
          },
          { status: 500 },
        );
      } finally {
        // A cache write still in flight (a request never waits for it): workerd would cancel
        // it once the response is sent.
        if (lifetime && graphCache?.store instanceof ResilientStore)
          lifetime.waitUntil(graphCache.store.settled());
        if (connection) {
          const closing = connection.close().catch((e: Error) => {
            logger.error("closing the request's connection failed", { requestId, ...describeError(e) });
          });
          if (lifetime) lifetime.waitUntil(closing);
          else await closing;
        }
      }
      return withRateHeaders(decorate(request, response, requestId, cors), rate);
    },
  };
}

/** A browser asking for GraphiQL's page: a GET of /graphql for HTML, without an operation. */
function isGraphiQLPage(request: Request, url: URL): boolean {
  return (
    request.method === "GET" &&
    url.pathname === "/graphql" &&
    !url.searchParams.has("query") &&
    (request.headers.get("accept") ?? "").includes("text/html")
  );
}

/** AGENTRY_READ_ACCESS=token and no credential: RFC 6750's challenge, without an error code. */
function credentialRequiredResponse(requestId: string): Response {
  return Response.json(
    {
      errors: [
        {
          message:
            "this API answers only callers with a credential: send Authorization: Bearer <API key or JWT>",
          extensions: { code: "UNAUTHENTICATED", requestId },
        },
      ],
    },
    { status: 401, headers: { "www-authenticate": 'Bearer realm="agentry"' } },
  );
}

/** The caller's budget on every limited answer, refused or not, readable by browser pages. */
function withRateHeaders(response: Response, rate: RateCharge | null): Response {
  if (!rate?.decision) return response;
  const set = (headers: Headers) => {
    for (const [name, value] of Object.entries(rateLimitHeaders(rate.decision!))) headers.set(name, value);
    const exposed = headers.get("access-control-expose-headers");
    if (exposed)
      headers.set("access-control-expose-headers", `${exposed}, RateLimit, RateLimit-Policy, Retry-After`);
  };
  try {
    set(response.headers);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    set(copy.headers);
    return copy;
  }
}

/** 429 for an address that presented too many refused credentials this minute. */
function tooManyRefusals(d: { resetAt: number }, requestId: string): Response {
  const retryAfter = Math.max(1, Math.ceil((d.resetAt - Date.now()) / 1000));
  return Response.json(
    {
      errors: [
        {
          message: `too many refused credentials from this address (${AUTH_FAILURES_PER_MINUTE} a minute); retry in ${retryAfter} s`,
          extensions: { code: "RATE_LIMITED", retryAfterSeconds: retryAfter, requestId },
        },
      ],
    },
    { status: 429, headers: { "retry-after": String(retryAfter) } },
  );
}
