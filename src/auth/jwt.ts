// JWTs from the team's identity provider (issue 16 point 2, decision 0023), verified with jose
// (Web Crypto only: the same code runs on Node and in workerd). Agentry never mints a JWT; it
// checks, in this order, what jose checks for it:
//
// - the header's `alg` is one of AGENTRY_JWT_ALGORITHMS (asymmetric only: `none` and HS* are
//   refused by the configuration, so a public key can never be used as an HMAC secret), before
//   any key is looked up;
// - the signature, by a key of the provider's JWK set (AGENTRY_JWT_JWKS_URL, fetched by jose and
//   cached: see below) or the one configured key (AGENTRY_JWT_PUBLIC_KEY);
// - `iss` equals AGENTRY_JWT_ISSUER, `aud` holds one of AGENTRY_JWT_AUDIENCE, `exp` is present
//   and not passed, `nbf`/`iat` not in the future, each within AGENTRY_JWT_CLOCK_TOLERANCE;
// - `sub` is present: it names the caller (rate limits, later the audit trail).
//
// Scopes come from one claim (AGENTRY_JWT_SCOPES_CLAIM, `scope` by default: a space-separated
// string as OAuth 2 writes it, or an array of strings), parsed with the scope schema of
// ./scopes.ts; a scope Agentry does not know is dropped (logged once per app and scope), never
// fatal: an identity provider's tokens carry scopes for other APIs too.
//
// Outcomes: a caller; `invalid` (every refusal, told apart only in the log's `code`); or
// `unavailable` when the JWK set could not be fetched (the provider is down, slow or answers
// garbage): the token may be fine, so the client is told to retry (503), not that it is wrong.
import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importJWK,
  importSPKI,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { ConfigError, type JwtConfig } from "../config.js";
import type { JwtCaller } from "./caller.js";
import { type Scope, scopeSchema } from "./scopes.js";

/** jose's JWK-set cache: keys are refetched after 10 minutes, and at most every 30 s on an unknown `kid`. */
export const JWKS_CACHE_MAX_AGE_MS = 600_000;
export const JWKS_COOLDOWN_MS = 30_000;
/** A `sub` longer than this is refused: it becomes a rate-limit key held in memory. */
const MAX_SUBJECT_LENGTH = 255;

export type JwtOutcome =
  | { ok: true; caller: JwtCaller }
  | { ok: false; reason: "invalid"; code: string }
  | { ok: false; reason: "unavailable"; cause: unknown };

export interface JwtVerifier {
  /** Imports a configured static key (a malformed one throws); a JWKS URL is fetched on first use. */
  ready(): Promise<void>;
  verify(token: string): Promise<JwtOutcome>;
}

/** The JWK set could not be had: not the token's fault. */
class KeysUnavailable extends Error {
  constructor(readonly original: unknown) {
    super("the identity provider's keys could not be fetched");
  }
}

export function createJwtVerifier(
  config: JwtConfig,
  log: (message: string, fields: Record<string, unknown>) => void,
): JwtVerifier {
  const getKey = keySource(config);
  const dropped = new Set<string>();
  const logDropped = (scopes: string[]) => {
    const fresh = scopes.filter((s) => !dropped.has(s));
    if (fresh.length === 0) return;
    // Bounded: a provider issuing a new scope per token must not grow this for ever.
    if (dropped.size < 1000) for (const s of fresh) dropped.add(s);
    log("a JWT's scopes claim held scopes Agentry does not know: dropped", {
      claim: config.scopesClaim,
      scopes: fresh.slice(0, 10).map(printable),
    });
  };
  return {
    async ready() {
      await getKey.ready();
    },
    async verify(token) {
      let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
      try {
        ({ payload } = await jwtVerify(token, getKey.get, {
          algorithms: config.algorithms,
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: config.clockToleranceSeconds,
          requiredClaims: ["exp", "sub"],
        }));
      } catch (e) {
        if (e instanceof KeysUnavailable) return { ok: false, reason: "unavailable", cause: e.original };
        const code = e instanceof errors.JOSEError ? e.code : "ERR_UNEXPECTED";
        return { ok: false, reason: "invalid", code };
      }
      const subject = payload.sub;
      if (typeof subject !== "string" || subject === "" || subject.length > MAX_SUBJECT_LENGTH)
        return { ok: false, reason: "invalid", code: "ERR_SUBJECT" };
      const { scopes, unknown } = scopesOf(payload[config.scopesClaim]);
      if (unknown.length > 0) logDropped(unknown);
      return { ok: true, caller: { kind: "jwt", issuer: config.issuer, subject, scopes } };
    },
  };
}

/** The claim's scopes Agentry knows, deduplicated, and the rest (strings only). */
export function scopesOf(claim: unknown): { scopes: Scope[]; unknown: string[] } {
  const values =
    typeof claim === "string"
      ? claim.split(" ").filter(Boolean)
      : Array.isArray(claim)
        ? claim.filter((v): v is string => typeof v === "string")
        : [];
  const scopes: Scope[] = [];
  const unknown: string[] = [];
  for (const value of values) {
    const parsed = scopeSchema.safeParse(value);
    if (!parsed.success) unknown.includes(value) || unknown.push(value);
    else if (!scopes.includes(parsed.data)) scopes.push(parsed.data);
  }
  return { scopes, unknown };
}

interface KeySource {
  get: JWTVerifyGetKey;
  ready(): Promise<void>;
}

function keySource(config: JwtConfig): KeySource {
  const keys = config.keys;
  if (keys.kind === "jwks") {
    const remote = createRemoteJWKSet(new URL(keys.url), {
      timeoutDuration: keys.timeoutMs,
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
    });
    return {
      ready: async () => {},
      get: async (header, token) => {
        try {
          return await remote(header, token);
        } catch (e) {
          // The set was had, and has no key for this token (another key, a forged kid): the
          // token's fault. Anything else happened fetching it: a refused connection (TypeError),
          // a timeout, a non-200 answer or one that is not a JWK set.
          if (
            e instanceof errors.JWKSNoMatchingKey ||
            e instanceof errors.JWKSMultipleMatchingKeys ||
            e instanceof errors.JOSENotSupported
          )
            throw e;
          throw new KeysUnavailable(e);
        }
      },
    };
  }
  let local: Promise<JWTVerifyGetKey> | null = null;
  const load = () => {
    local ??= staticKeys(keys.format, keys.value, config.algorithms).catch((e) => {
      local = null;
      throw e;
    });
    return local;
  };
  return {
    ready: async () => {
      await load();
    },
    get: async (header, token) => (await load())(header, token),
  };
}

/**
 * The configured key. One key (PEM or JWK) is imported once for each configured algorithm its
 * type fits (an RSA key for RS256 and PS256, a P-256 key for ES256…) and chosen by the token's
 * `alg`, whatever its `kid` says: there is only one. A JWK set is matched by `kid` as jose does
 * for a remote one. A key that fits no configured algorithm is a configuration error.
 */
async function staticKeys(
  format: "pem" | "jwk" | "jwks",
  value: string,
  algorithms: readonly string[],
): Promise<JWTVerifyGetKey> {
  const unusable = () =>
    new ConfigError(
      `invalid configuration: AGENTRY_JWT_PUBLIC_KEY is not a public key for any of AGENTRY_JWT_ALGORITHMS (${algorithms.join(", ")})`,
    );
  if (format === "jwks") {
    const set = JSON.parse(value) as JSONWebKeySet;
    // Each key must import for one configured algorithm: a typo in `n` would otherwise refuse
    // every token at run time, as if the tokens were wrong.
    for (const jwk of set.keys) {
      let usable = false;
      for (const alg of jwk.alg ? [jwk.alg] : algorithms) {
        if (!algorithms.includes(alg)) continue;
        try {
          await importJWK(jwk, alg);
          usable = true;
          break;
        } catch {}
      }
      if (!usable) throw unusable();
    }
    return createLocalJWKSet(set);
  }
  const byAlgorithm = new Map<string, CryptoKey>();
  const jwk = format === "jwk" ? (JSON.parse(value) as JWK) : null;
  for (const alg of algorithms) {
    if (jwk?.alg && jwk.alg !== alg) continue;
    try {
      const key = jwk ? await importJWK(jwk, alg) : await importSPKI(value, alg);
      if (key instanceof Uint8Array) continue; // a symmetric key: never (the configuration refuses them too)
      byAlgorithm.set(alg, key);
    } catch {}
  }
  if (byAlgorithm.size === 0) throw unusable();
  return async (header) => {
    const key = header.alg ? byAlgorithm.get(header.alg) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
}

function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}
