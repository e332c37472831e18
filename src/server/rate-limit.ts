// Limits per caller (issue 16 point 4, docs/decisions/0021-rate-limits.md): each caller has a
// budget of points per minute, and a GraphQL request costs its operation's cost as the query
// budget measured it (../graphql/query-budget.ts, through ./limits-plugin.ts: measured once),
// charged before execution. Every GraphQL request first pays 1 point at the door, before its
// body is read or parsed, so that a flood of garbage (parse errors, over-limit documents) is
// limited too; the rest of its cost (cost − 1) is charged in onExecute, before any resolver runs,
// so a refused request runs no SQL.
//
// Two backends, one fixed window of 60 s each, so they answer alike:
// - in process: a counter per caller in an LRU of at most 100,000 callers (about 10 MB);
// - Upstash (@upstash/ratelimit's fixedWindow, one Lua script per charge) when its URL and
//   token are set: one budget for every instance and Worker isolate. If Upstash fails or is
//   slower than the cache timeout, the charge fails open to the in-process counter (logged once
//   per outage), and after `breakAfter` failures in a row Upstash is not called for
//   `halfOpenAfterMs`: a frozen Redis must not stop reads.
//
// Answers carry draft-ietf-httpapi-ratelimit-headers' `RateLimit-Policy: "per-caller";q=N;w=60`
// and `RateLimit: "per-caller";r=R;t=T`; a refusal is HTTP 429 with `Retry-After: T` and a
// GraphQL error whose code is RATE_LIMITED.
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { GraphQLError } from "graphql";
import { LRUCache } from "lru-cache";
import type { Caller } from "../auth/caller.js";
import { readCacheConfig, readHttpConfig } from "../config.js";

export const WINDOW_SECONDS = 60;
const WINDOW_MS = WINDOW_SECONDS * 1000;
const POLICY = "per-caller";

export interface RateDecision {
  allowed: boolean;
  /** Points per window. */
  limit: number;
  /** Points left in this window (0 when refused). */
  remaining: number;
  /** When the window ends, epoch milliseconds. */
  resetAt: number;
}

export interface RateLimitBackend {
  readonly kind: "memory" | "upstash";
  /** Charges `points` to `key`; refused when the window's total would pass the limit. */
  charge(key: string, points: number): Promise<RateDecision>;
}

/**
 * Who is asking: an API key by its id (`key:<id>`), a JWT by its issuer and subject
 * (`jwt:<iss>#<sub>`: a subject is unique only within its issuer), so that a credential has
 * one budget wherever it calls from; an anonymous caller by its address (`ip:<address>`):
 * - `peer`: the socket's remote address (Node) or `CF-Connecting-IP` (the Worker: Cloudflare
 *   sets it and a client cannot);
 * - `trustProxy`: the first hop of `X-Forwarded-For` instead, for a Node server behind a proxy
 *   that writes that header itself (otherwise a client names any address it likes).
 */
export function callerKey(
  request: Request,
  peer: { address?: string | null } = {},
  trustProxy = false,
  caller?: Caller,
): string {
  if (caller?.kind === "key") return `key:${caller.id}`;
  if (caller?.kind === "jwt") return `jwt:${caller.issuer}#${caller.subject}`;
  let address: string | null | undefined = null;
  if (trustProxy) address = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  if (!address) address = peer.address;
  if (!address) return "ip:unknown";
  // IPv4 through a dual-stack socket (::ffff:127.0.0.1) is the same caller as 127.0.0.1.
  return `ip:${address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").toLowerCase()}`;
}

/** A fixed window per caller, in process; the least recently seen callers are forgotten first. */
export class MemoryRateLimit implements RateLimitBackend {
  readonly kind = "memory" as const;
  private readonly windows: LRUCache<string, { start: number; used: number }>;

  constructor(
    private readonly limit: number,
    maxCallers = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new LRUCache({ max: maxCallers });
  }

  async charge(key: string, points: number): Promise<RateDecision> {
    return this.chargeNow(key, points);
  }

  chargeNow(key: string, points: number): RateDecision {
    const now = this.now();
    const start = now - (now % WINDOW_MS);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      this.windows.set(key, w);
    }
    // Like Upstash's fixedWindow script (INCRBY, then compare): a refused charge counts too.
    w.used += points;
    const allowed = w.used <= this.limit;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.used),
      resetAt: start + WINDOW_MS,
    };
  }
}

export interface UpstashRateLimitOptions {
  url: string;
  token: string;
  limit: number;
  prefix: string;
  timeoutMs: number;
  breakAfter: number;
  halfOpenAfterMs: number;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** One budget in Upstash for every instance; fails open to an in-process window. */
export class UpstashRateLimit implements RateLimitBackend {
  readonly kind = "upstash" as const;
  /** Charges answered by the in-process fallback (Upstash failed, was slow, or the breaker was open). */
  fallbacks = 0;
  private failures = 0;
  private openUntil = 0;
  private outage = false;
  private readonly fallback: MemoryRateLimit;

  constructor(private readonly options: UpstashRateLimitOptions) {
    this.fallback = new MemoryRateLimit(options.limit);
  }

  async charge(key: string, points: number): Promise<RateDecision> {
    if (Date.now() < this.openUntil) return this.fallBack(key, points);
    // A client per call, with its own abort: a call that times out has its fetch aborted (its
    // socket closed), not left waiting on a frozen Redis. The function form of `signal`, as in
    // ../cache/upstash.ts: with an AbortSignal object an aborted fetch became a 200 answer.
    const controller = new AbortController();
    const redis = new Redis({
      url: this.options.url,
      token: this.options.token,
      retry: { retries: 0 },
      enableTelemetry: false,
      enableAutoPipelining: false,
      signal: () => controller.signal,
    });
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.fixedWindow(this.options.limit, `${WINDOW_SECONDS} s`),
      prefix: `${this.options.prefix}:ratelimit`,
      analytics: false,
      ephemeralCache: false,
      timeout: 0,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        limiter.limit(key, { rate: points }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`Upstash did not answer within ${this.options.timeoutMs} ms`));
          }, this.options.timeoutMs);
        }),
      ]);
      this.failures = 0;
      if (this.outage) {
        this.outage = false;
        this.options.log("rate limit: Upstash answers again; the shared budget is back", {});
      }
      return {
        allowed: result.success,
        limit: result.limit,
        remaining: Math.max(0, result.remaining),
        resetAt: result.reset,
      };
    } catch (e) {
      this.failures++;
      if (this.failures >= this.options.breakAfter) {
        this.openUntil = Date.now() + this.options.halfOpenAfterMs;
        this.failures = 0;
      }
      if (!this.outage) {
        this.outage = true;
        this.options.log("rate limit: Upstash failed; limiting in process until it answers", {
          error: e instanceof Error ? e.message : String(e),
        });
      }
      return this.fallBack(key, points);
    } finally {
      clearTimeout(timer);
    }
  }

  private fallBack(key: string, points: number): RateDecision {
    this.fallbacks++;
    return this.fallback.chargeNow(key, points);
  }
}

/** The headers of every limited response: the budget, and what is left of it. */
export function rateLimitHeaders(d: RateDecision, now = Date.now()): Record<string, string> {
  const t = Math.max(0, Math.ceil((d.resetAt - now) / 1000));
  return {
    "ratelimit-policy": `"${POLICY}";q=${d.limit};w=${WINDOW_SECONDS}`,
    ratelimit: `"${POLICY}";r=${d.remaining};t=${t}`,
    ...(d.allowed ? {} : { "retry-after": String(Math.max(1, t)) }),
  };
}

export function rateLimitedError(d: RateDecision, asked: number, now = Date.now()): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil((d.resetAt - now) / 1000));
  return new GraphQLError(
    `rate limit exceeded: ${d.limit} points per ${WINDOW_SECONDS} s per caller, and this request costs ${asked}; retry in ${retryAfter} s`,
    {
      extensions: {
        code: "RATE_LIMITED",
        limit: d.limit,
        windowSeconds: WINDOW_SECONDS,
        asked,
        retryAfterSeconds: retryAfter,
        http: { status: 429 },
      },
    },
  );
}

/** A 429 answered before the request reached GraphQL. */
export function rateLimitedResponse(d: RateDecision, asked: number): Response {
  const error = rateLimitedError(d, asked);
  return Response.json(
    { errors: [{ message: error.message, extensions: { ...error.extensions, http: undefined } }] },
    { status: 429, headers: rateLimitHeaders(d) },
  );
}

/** What one request has been charged so far, and the last answer of the limiter. */
export interface RateCharge {
  key: string;
  decision: RateDecision | null;
}

/** Paths never limited: health, metrics, and the GraphiQL page itself (its queries are). */
export function isLimited(request: Request, url: URL): boolean {
  if (url.pathname !== "/graphql") return false;
  if (request.method !== "GET" && request.method !== "POST") return false;
  if (request.method === "GET" && !url.searchParams.has("query")) {
    const accept = request.headers.get("accept") ?? "";
    if (accept.includes("text/html")) return false;
  }
  return true;
}

/**
 * The backend the environment names: Upstash when its URL and token are set (whether or not
 * the graph cache is on: a per-instance budget would multiply with the instances), the
 * in-process window otherwise; null when AGENTRY_RATE_LIMIT=off.
 */
export function createRateLimitBackend(
  env: Record<string, string | undefined>,
  log: (message: string, fields: Record<string, unknown>) => void,
): RateLimitBackend | null {
  const http = readHttpConfig(env);
  if (!http.rateLimit.enabled) return null;
  const cache = readCacheConfig({ ...env, AGENTRY_CACHE: undefined });
  if (cache.kind !== "upstash") return new MemoryRateLimit(http.rateLimit.pointsPerMinute);
  return new UpstashRateLimit({
    url: cache.url,
    token: cache.token,
    limit: http.rateLimit.pointsPerMinute,
    prefix: cache.prefix,
    timeoutMs: cache.timeoutMs,
    breakAfter: cache.breakAfter,
    halfOpenAfterMs: cache.halfOpenAfterMs,
    log,
  });
}
