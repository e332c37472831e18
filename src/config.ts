// The one typed configuration, read from environment variables (Node) or bindings (Worker)
// and validated with zod: a missing or malformed value fails with a message naming it.
import { z } from "zod";

export const driverSchema = z.enum(["pglite", "pg", "neon-http", "neon-ws"]);
export type DriverName = z.infer<typeof driverSchema>;

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => v === "" || v === "memory://" || /^postgres(ql)?:\/\//.test(v), {
      message: "must be memory:// or a postgres:// URL",
    })
    .optional(),
  AGENTRY_DB_DRIVER: driverSchema.optional(),
  AGENTRY_DATA_DIR: z.string().min(1).optional(),
  /** Where Neon's WebSocket proxy is, as host:port/path (a local relay in development). */
  AGENTRY_NEON_WS_PROXY: z.string().min(1).optional(),
  /** Neon's HTTP SQL endpoint (a local stand-in in development). */
  AGENTRY_NEON_HTTP_ENDPOINT: z.string().url().optional(),
  /** Plain ws:// and no TLS to the proxy: only for local stand-ins. */
  AGENTRY_NEON_INSECURE: z.enum(["0", "1", "true", "false"]).optional(),
  /** Longest a statement of the server's reads may run (the server cancels it); 0: no limit. */
  AGENTRY_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
  /** The same for batch work (import, migrate, doctor: `workload: "batch"`); 0: no limit. */
  AGENTRY_BATCH_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
  /** Longest wait for a connection: opening one, or a free one from a full pool. */
  AGENTRY_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  /** A session idle inside an open transaction longer than this is ended by the server. */
  AGENTRY_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
});

export interface DatabaseConfig {
  driver: DriverName;
  /** postgres:// URL for pg and Neon; null for PGlite. */
  url: string | null;
  /** PGlite data directory, or null for an in-memory database. */
  dataDir: string | null;
  neon: { wsProxy: string | null; httpEndpoint: string | null; insecure: boolean };
  /** Omitted: DEFAULT_DATABASE_TIMEOUTS (configurations written by hand, in tests). */
  timeouts?: DatabaseTimeouts;
}

/** What a database that hangs may cost (milliseconds; a statement timeout of 0: no limit). */
export interface DatabaseTimeouts {
  /** `statement_timeout` of the server's sessions (reads); the client gives up 1 s later. */
  statementMs: number;
  /** `statement_timeout` of batch work (imports' transactions and catch-up statements). */
  batchStatementMs: number;
  /** Opening a connection, or waiting for one from a full pool. */
  connectMs: number;
  /** `idle_in_transaction_session_timeout`. */
  idleInTransactionMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementMs: 5_000,
  batchStatementMs: 600_000,
  connectMs: 5_000,
  idleInTransactionMs: 60_000,
};

export class ConfigError extends Error {}

export function readDatabaseConfig(env: Record<string, string | undefined>): DatabaseConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  const url = e.DATABASE_URL || null;
  const neon = {
    wsProxy: e.AGENTRY_NEON_WS_PROXY ?? null,
    httpEndpoint: e.AGENTRY_NEON_HTTP_ENDPOINT ?? null,
    insecure: e.AGENTRY_NEON_INSECURE === "1" || e.AGENTRY_NEON_INSECURE === "true",
  };
  const d = DEFAULT_DATABASE_TIMEOUTS;
  const timeouts: DatabaseTimeouts = {
    statementMs: e.AGENTRY_STATEMENT_TIMEOUT_MS ?? d.statementMs,
    batchStatementMs: e.AGENTRY_BATCH_STATEMENT_TIMEOUT_MS ?? d.batchStatementMs,
    connectMs: e.AGENTRY_CONNECT_TIMEOUT_MS ?? d.connectMs,
    idleInTransactionMs: e.AGENTRY_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? d.idleInTransactionMs,
  };
  if (url === null || url === "memory://") {
    if (e.AGENTRY_DB_DRIVER && e.AGENTRY_DB_DRIVER !== "pglite") {
      throw new ConfigError(
        `invalid configuration: AGENTRY_DB_DRIVER=${e.AGENTRY_DB_DRIVER} needs a postgres:// DATABASE_URL`,
      );
    }
    return {
      driver: "pglite",
      url: null,
      dataDir: url === "memory://" ? null : (e.AGENTRY_DATA_DIR ?? ".agentry"),
      neon,
      timeouts,
    };
  }
  const driver = e.AGENTRY_DB_DRIVER ?? "pg";
  if (driver === "pglite") {
    throw new ConfigError(
      "invalid configuration: AGENTRY_DB_DRIVER=pglite cannot use a postgres:// DATABASE_URL",
    );
  }
  return { driver, url, dataDir: null, neon, timeouts };
}

const serverEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  /** Load examples/ into an empty catalog on start. */
  AGENTRY_EXAMPLES: z.enum(["0", "1", "true", "false"]).optional(),
});

export interface ServerConfig {
  port: number;
  host: string;
  loadExamples: boolean;
  database: DatabaseConfig;
}

export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = serverEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT ?? 4000,
    host: e.HOST ?? "127.0.0.1",
    loadExamples:
      e.AGENTRY_EXAMPLES === undefined ? true : e.AGENTRY_EXAMPLES === "1" || e.AGENTRY_EXAMPLES === "true",
    database: readDatabaseConfig(env),
  };
}

const cacheEnvSchema = z.object({
  /** `off`: compute every graph (benchmarks of the uncached path, debugging). */
  AGENTRY_CACHE: z.enum(["on", "off"]).optional(),
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  AGENTRY_CACHE_MAX_BYTES: z.coerce.number().int().min(0).optional(),
  AGENTRY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).optional(),
  AGENTRY_CACHE_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  /** Consecutive failed cache calls that open the circuit breaker (no more calls for a while). */
  AGENTRY_CACHE_BREAK_AFTER: z.coerce.number().int().min(1).optional(),
  /** How long the open breaker waits before one call probes the cache again. */
  AGENTRY_CACHE_HALF_OPEN_MS: z.coerce.number().int().min(1).optional(),
  /** Cache writes in flight at most (requests never wait for them); more are dropped. */
  AGENTRY_CACHE_MAX_PENDING_SETS: z.coerce.number().int().min(1).optional(),
  AGENTRY_CACHE_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/, "letters, digits, dots, dashes, underscores")
    .optional(),
});

export type CacheConfig = (
  | { kind: "upstash"; url: string; token: string }
  | { kind: "memory"; maxBytes: number }
  | { kind: "off" }
) & {
  ttlSeconds: number;
  timeoutMs: number;
  prefix: string;
  breakAfter: number;
  halfOpenAfterMs: number;
  maxPendingSets: number;
};

/** Off when asked; Upstash when both its URL and token are set; otherwise the in-memory LRU. */
export function readCacheConfig(env: Record<string, string | undefined>): CacheConfig {
  const parsed = cacheEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  const common = {
    ttlSeconds: e.AGENTRY_CACHE_TTL_SECONDS ?? 3600,
    timeoutMs: e.AGENTRY_CACHE_TIMEOUT_MS ?? 250,
    prefix: e.AGENTRY_CACHE_PREFIX ?? "agentry",
    breakAfter: e.AGENTRY_CACHE_BREAK_AFTER ?? 5,
    halfOpenAfterMs: e.AGENTRY_CACHE_HALF_OPEN_MS ?? 5000,
    maxPendingSets: e.AGENTRY_CACHE_MAX_PENDING_SETS ?? 32,
  };
  if (e.AGENTRY_CACHE === "off") return { kind: "off", ...common };
  if (Boolean(e.UPSTASH_REDIS_REST_URL) !== Boolean(e.UPSTASH_REDIS_REST_TOKEN)) {
    throw new ConfigError(
      "invalid configuration: set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or neither (in-memory cache)",
    );
  }
  if (e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN) {
    return { kind: "upstash", url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN, ...common };
  }
  return { kind: "memory", maxBytes: e.AGENTRY_CACHE_MAX_BYTES ?? 64 * 1024 * 1024, ...common };
}

const corsEnvSchema = z.object({
  /** Origins a browser page may call the API from: `*` (any) or a comma-separated list. */
  AGENTRY_CORS_ORIGINS: z.string().trim().optional(),
  /** How long a browser may reuse a preflight's answer (Chromium caps it at 7,200). */
  AGENTRY_CORS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).optional(),
});

export interface CorsConfig {
  /** "*": any origin; otherwise the exact origins (scheme://host[:port], lowercase) allowed. */
  origins: "*" | ReadonlySet<string>;
  maxAgeSeconds: number;
}

/** Any origin by default, never with credentials (the API has no cookie to protect). */
export function readCorsConfig(env: Record<string, string | undefined>): CorsConfig {
  const parsed = corsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  const maxAgeSeconds = e.AGENTRY_CORS_MAX_AGE_SECONDS ?? 7200;
  const list = (e.AGENTRY_CORS_ORIGINS ?? "*")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.length === 0 || list.includes("*")) return { origins: "*", maxAgeSeconds };
  const origins = new Set<string>();
  for (const entry of list) {
    let origin: string | null = null;
    try {
      const url = new URL(entry);
      if (url.protocol === "http:" || url.protocol === "https:") origin = url.origin;
    } catch {}
    // Exactly scheme://host[:port]: a path or query would never match a browser's Origin.
    if (!origin || entry.replace(/\/$/, "").toLowerCase() !== origin)
      throw new ConfigError(
        `invalid configuration: AGENTRY_CORS_ORIGINS: "${entry}" is not an origin (scheme://host[:port], or * for any)`,
      );
    origins.add(origin);
  }
  return { origins, maxAgeSeconds };
}

const onOff = z.enum(["on", "off", "1", "0", "true", "false"]);
const isOn = (v: z.infer<typeof onOff> | undefined, fallback: boolean) =>
  v === undefined ? fallback : v === "on" || v === "1" || v === "true";

const httpEnvSchema = z.object({
  /** The largest POST body read, in bytes; larger ones are refused (413) as they stream in. */
  AGENTRY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .optional(),
  /** A request's time budget: when it is spent its work stops and it answers REQUEST_TIMEOUT. */
  AGENTRY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  /** GraphiQL on GET /graphql from a browser. */
  AGENTRY_GRAPHIQL: onOff.optional(),
  /** Schema introspection (`__schema`, `__type`); a federation gateway reads `_service` instead. */
  AGENTRY_INTROSPECTION: onOff.optional(),
  /** GET /metrics (Prometheus text). */
  AGENTRY_METRICS: onOff.optional(),
  /** Node only: queries compiled by graphql-jit (off: graphql-js, as on the Worker). */
  AGENTRY_JIT: onOff.optional(),
  /** GraphQL requests one process works on at once (src/server/admission.ts). */
  AGENTRY_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(1000).optional(),
  /** GraphQL requests that may wait for a slot; more are refused with 503 and Retry-After. */
  AGENTRY_MAX_QUEUED_REQUESTS: z.coerce.number().int().min(0).max(10_000).optional(),
  /** Longest a GraphQL request waits for a slot before it is refused the same way. */
  AGENTRY_MAX_QUEUE_WAIT_MS: z.coerce.number().int().min(1).max(120_000).optional(),
  /** Limits per caller (src/server/rate-limit.ts): on by default. */
  AGENTRY_RATE_LIMIT: onOff.optional(),
  /** A caller's points per minute; a query costs its complexity (query-budget.ts). */
  AGENTRY_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  /** Node: the caller is X-Forwarded-For's first hop, not the socket's address (behind a proxy). */
  AGENTRY_TRUST_PROXY: onOff.optional(),
});

/**
 * 500,000 points a minute: GraphiQL's start (introspection, 2,000) and every README example
 * once (249,826) take half; a script looping the most expensive query allowed (100,000) is
 * refused from its 6th request on. Measured in docs/decisions/0021-rate-limits.md.
 */
export const DEFAULT_RATE_LIMIT_POINTS = 500_000;

export interface HttpConfig {
  maxBodyBytes: number;
  requestTimeoutMs: number;
  graphiql: boolean;
  introspection: boolean;
  metrics: boolean;
  jit: boolean;
  admission: { concurrent: number; queued: number; maxWaitMs: number };
  rateLimit: { enabled: boolean; pointsPerMinute: number };
  trustProxy: boolean;
}

/** What the HTTP surface exposes, and its limits; every switch on by default (a public read API). */
export function readHttpConfig(env: Record<string, string | undefined>): HttpConfig {
  const parsed = httpEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  return {
    maxBodyBytes: e.AGENTRY_MAX_BODY_BYTES ?? 256 * 1024,
    requestTimeoutMs: e.AGENTRY_REQUEST_TIMEOUT_MS ?? 10_000,
    graphiql: isOn(e.AGENTRY_GRAPHIQL, true),
    introspection: isOn(e.AGENTRY_INTROSPECTION, true),
    metrics: isOn(e.AGENTRY_METRICS, true),
    jit: isOn(e.AGENTRY_JIT, true),
    admission: {
      // 2: with PostgreSQL on the same two cores, 4 let /healthz wait 149 ms at p99 under a
      // burst and 2 kept it at 44 ms for 8 % fewer answers (npm run bench:abuse). Raise it
      // when the database runs elsewhere.
      concurrent: e.AGENTRY_MAX_CONCURRENT_REQUESTS ?? 2,
      queued: e.AGENTRY_MAX_QUEUED_REQUESTS ?? 32,
      maxWaitMs: e.AGENTRY_MAX_QUEUE_WAIT_MS ?? 5000,
    },
    rateLimit: {
      enabled: isOn(e.AGENTRY_RATE_LIMIT, true),
      pointsPerMinute: e.AGENTRY_RATE_LIMIT_POINTS ?? DEFAULT_RATE_LIMIT_POINTS,
    },
    trustProxy: isOn(e.AGENTRY_TRUST_PROXY, false),
  };
}

/** Signature algorithms a JWT may use: asymmetric only (never `none`, never HS*). */
export const JWT_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Seconds of clock skew a JWT's exp/nbf/iat may have, at most (AGENTRY_JWT_CLOCK_TOLERANCE). */
export const MAX_JWT_CLOCK_TOLERANCE_SECONDS = 300;

const authEnvSchema = z.object({
  /** `public`: anonymous callers read public sources; `token`: anonymous callers hold nothing. */
  AGENTRY_READ_ACCESS: z.enum(["public", "token"]).optional(),
  AGENTRY_JWT_JWKS_URL: z.string().trim().optional(),
  AGENTRY_JWT_PUBLIC_KEY: z.string().trim().optional(),
  AGENTRY_JWT_ALGORITHMS: z.string().trim().optional(),
  AGENTRY_JWT_ISSUER: z.string().trim().optional(),
  AGENTRY_JWT_AUDIENCE: z.string().trim().optional(),
  AGENTRY_JWT_CLOCK_TOLERANCE: z.coerce
    .number({ error: `seconds, 0 to ${MAX_JWT_CLOCK_TOLERANCE_SECONDS}` })
    .int(`seconds, 0 to ${MAX_JWT_CLOCK_TOLERANCE_SECONDS}`)
    .min(0, `seconds, 0 to ${MAX_JWT_CLOCK_TOLERANCE_SECONDS}`)
    .max(MAX_JWT_CLOCK_TOLERANCE_SECONDS, `seconds, 0 to ${MAX_JWT_CLOCK_TOLERANCE_SECONDS}`)
    .optional(),
  AGENTRY_JWT_SCOPES_CLAIM: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,200}$/, "a claim name: 1 to 200 printable characters, no spaces")
    .optional(),
  AGENTRY_JWT_JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).optional(),
});

export interface JwtConfig {
  /** Where the identity provider's public keys come from. */
  keys:
    | { kind: "jwks"; url: string; timeoutMs: number }
    /** A PEM SPKI public key, a public JWK or a JWK set, as JSON; checked here, imported by src/auth/jwt.ts. */
    | { kind: "static"; format: "pem" | "jwk" | "jwks"; value: string };
  algorithms: JwtAlgorithm[];
  issuer: string;
  audience: string[];
  clockToleranceSeconds: number;
  scopesClaim: string;
}

export interface AuthConfig {
  readAccess: "public" | "token";
  /** null: JWTs are not accepted (API keys only). */
  jwt: JwtConfig | null;
}

/**
 * Who may call (src/auth/authenticate.ts): the anonymous policy, and the identity provider whose
 * JWTs are accepted when AGENTRY_JWT_JWKS_URL or AGENTRY_JWT_PUBLIC_KEY is set. Messages name
 * the variable and never quote a key.
 */
export function readAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  const parsed = authEnvSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  const fail = (message: string): never => {
    throw new ConfigError(`invalid configuration: ${message}`);
  };
  const readAccess = e.AGENTRY_READ_ACCESS ?? "public";
  const url = e.AGENTRY_JWT_JWKS_URL || null;
  const key = e.AGENTRY_JWT_PUBLIC_KEY || null;
  if (!url && !key) {
    const stray = (
      [
        "AGENTRY_JWT_ALGORITHMS",
        "AGENTRY_JWT_ISSUER",
        "AGENTRY_JWT_AUDIENCE",
        "AGENTRY_JWT_CLOCK_TOLERANCE",
        "AGENTRY_JWT_SCOPES_CLAIM",
        "AGENTRY_JWT_JWKS_TIMEOUT_MS",
      ] as const
    ).find((name) => e[name] !== undefined && e[name] !== "");
    if (stray)
      fail(`${stray} is set but JWTs are off: set AGENTRY_JWT_JWKS_URL or AGENTRY_JWT_PUBLIC_KEY as well`);
    return { readAccess, jwt: null };
  }
  if (url && key) fail("set AGENTRY_JWT_JWKS_URL or AGENTRY_JWT_PUBLIC_KEY, not both");
  let keys: JwtConfig["keys"];
  if (url) {
    let parsedUrl: URL | null = null;
    try {
      parsedUrl = new URL(url);
    } catch {}
    const loopback =
      parsedUrl !== null && ["localhost", "127.0.0.1", "[::1]"].includes(parsedUrl.hostname.toLowerCase());
    // Keys fetched over plain HTTP could be swapped on the way: anyone on the path could mint
    // tokens. Plain HTTP is allowed to this machine only (a local identity provider, tests).
    if (!parsedUrl || !(parsedUrl.protocol === "https:" || (parsedUrl.protocol === "http:" && loopback)))
      fail("AGENTRY_JWT_JWKS_URL must be an https:// URL (http:// only to localhost)");
    keys = { kind: "jwks", url: parsedUrl!.href, timeoutMs: e.AGENTRY_JWT_JWKS_TIMEOUT_MS ?? 3000 };
  } else {
    if (e.AGENTRY_JWT_JWKS_TIMEOUT_MS !== undefined)
      fail("AGENTRY_JWT_JWKS_TIMEOUT_MS is set but there is no AGENTRY_JWT_JWKS_URL to fetch");
    keys = staticKey(key!, fail);
  }
  const algorithms: JwtAlgorithm[] = [];
  for (const raw of (e.AGENTRY_JWT_ALGORITHMS || "RS256,ES256").split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    if (/^none$/i.test(name) || /^HS\d+$/i.test(name))
      fail(
        `AGENTRY_JWT_ALGORITHMS: ${name} is refused: unsigned tokens and shared-secret (HMAC) signatures are never accepted; use ${JWT_ALGORITHMS.join(", ")}`,
      );
    const known = JWT_ALGORITHMS.find((a) => a === name);
    if (!known)
      fail(`AGENTRY_JWT_ALGORITHMS: "${printableConfig(name)}" is not one of ${JWT_ALGORITHMS.join(", ")}`);
    if (!algorithms.includes(known!)) algorithms.push(known!);
  }
  if (algorithms.length === 0)
    fail(`AGENTRY_JWT_ALGORITHMS: name at least one of ${JWT_ALGORITHMS.join(", ")}`);
  const issuer = e.AGENTRY_JWT_ISSUER || null;
  if (!issuer) fail("AGENTRY_JWT_ISSUER is required with JWTs: the identity provider's `iss`, exactly");
  const audience = (e.AGENTRY_JWT_AUDIENCE ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (audience.length === 0)
    fail("AGENTRY_JWT_AUDIENCE is required with JWTs: the `aud` the identity provider issues for this API");
  return {
    readAccess,
    jwt: {
      keys,
      algorithms,
      issuer: issuer!,
      audience,
      clockToleranceSeconds: e.AGENTRY_JWT_CLOCK_TOLERANCE ?? 30,
      scopesClaim: e.AGENTRY_JWT_SCOPES_CLAIM ?? "scope",
    },
  };
}

/** AGENTRY_JWT_PUBLIC_KEY: a PEM public key (`\n` written as two characters is accepted), a JWK or a JWK set. */
function staticKey(value: string, fail: (message: string) => never): JwtConfig["keys"] {
  const name = "AGENTRY_JWT_PUBLIC_KEY";
  if (value.startsWith("-----")) {
    const pem = value.replace(/\\n/g, "\n");
    if (/PRIVATE KEY/.test(pem)) fail(`${name} holds a private key: give the identity provider's public key`);
    if (!/^-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----$/.test(pem))
      fail(`${name}: a PEM key must be a "BEGIN PUBLIC KEY" (SPKI) block`);
    return { kind: "static", format: "pem", value: pem };
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    fail(`${name}: neither a PEM public key nor JSON (a JWK or a JWK set)`);
  }
  const isSet = typeof json === "object" && json !== null && Array.isArray((json as { keys?: unknown }).keys);
  const jwks = isSet ? ((json as { keys: unknown[] }).keys as unknown[]) : [json];
  if (jwks.length === 0) fail(`${name}: the JWK set has no keys`);
  for (const jwk of jwks) {
    if (typeof jwk !== "object" || jwk === null) fail(`${name}: a JWK is a JSON object`);
    const k = jwk as Record<string, unknown>;
    if (k.kty === "oct") fail(`${name}: a symmetric key (kty "oct") is refused: give a public key`);
    if (k.kty !== "RSA" && k.kty !== "EC" && k.kty !== "OKP") fail(`${name}: a JWK's kty is RSA, EC or OKP`);
    // d (RSA, EC, OKP), p, q, dp, dq, qi (RSA): private members.
    if (["d", "p", "q", "dp", "dq", "qi"].some((m) => m in k))
      fail(`${name} holds a private key: give the identity provider's public key`);
  }
  return { kind: "static", format: isSet ? "jwks" : "jwk", value };
}

function printableConfig(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
