// From a request's Authorization header to a Caller (issue 16 point 2, decision 0023):
//
// - no header: anonymous, with what AGENTRY_READ_ACCESS gives (`public`: `read`; `token`: nothing);
// - `Bearer agentry_…`: an API key, checked by verifyKey (./api-keys.ts) against its row on
//   every request (no cache: a revocation holds at once on every instance);
// - `Bearer agentry-local_…`: the local admin token of a server holding an embedded catalog
//   (./local-admin.ts), compared in constant time, never looked up;
// - any other `Bearer` token: a JWT of the team's identity provider (./jwt.ts) when one is
//   configured;
// - anything else (another scheme, no token, a token that is not token68, an unknown, revoked,
//   expired or wrong key, a refused JWT, a JWT where none is configured) is refused: 401 with
//   `WWW-Authenticate: Bearer error="invalid_token"`, and one message that says neither which
//   check failed nor the token. A caller that sent a bad token is refused, never downgraded to
//   anonymous: it meant to be someone, and a silent downgrade hides an expired key until the
//   first write fails;
// - the database failing while a key is checked, or the JWK set unreachable: 503 with
//   Retry-After: the credential may be fine, so neither 401 (the client would drop a good
//   key) nor 500.
//
// An authenticated caller also holds what an anonymous one holds: with public read access it
// gets `read` (so a credential never reads less than no credential), except a key limited to
// one source, which can() keeps inside it.
//
// Nothing here logs or returns a token; log lines carry a key's public id at most.
import type { Executor } from "../catalog/database.js";
import type { AuthConfig } from "../config.js";
import { verifyKey } from "./api-keys.js";
import { ANONYMOUS_NONE, ANONYMOUS_PUBLIC, type Caller } from "./caller.js";
import { createJwtVerifier, type JwtVerifier } from "./jwt.js";
import { LOCAL_TOKEN_PREFIX, type LocalAdmin, sameToken } from "./local-admin.js";
import type { Scope } from "./scopes.js";

/** Longer Authorization headers are refused unread: a JWT of a few claims is under 2 KiB. */
export const MAX_AUTHORIZATION_LENGTH = 8192;
/** RFC 6750's b64token (token68). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const KEY_ID = /^agentry_([0-9a-f]{16})_/;

export type Authentication =
  | { ok: true; caller: Caller }
  /** 401: the credential is not valid (why goes to the log, never to the client). */
  | { ok: false; reason: "invalid"; log: Record<string, unknown> }
  /** 503: the credential could not be checked. */
  | { ok: false; reason: "unavailable"; log: Record<string, unknown>; cause: unknown };

export interface Authenticator {
  readonly config: AuthConfig;
  /** The caller of a request without an Authorization header. */
  readonly anonymous: Caller;
  /** Imports a configured static JWT key; rejects with a ConfigError when it is unusable. */
  ready(): Promise<void>;
  authenticate(request: Request, db: Executor): Promise<Authentication>;
}

export function createAuthenticator(
  config: AuthConfig,
  log: (message: string, fields: Record<string, unknown>) => void,
  /** The server's local admin token (./local-admin.ts), where it holds an embedded catalog. */
  localAdmin: LocalAdmin | null = null,
): Authenticator {
  const anonymous = config.readAccess === "public" ? ANONYMOUS_PUBLIC : ANONYMOUS_NONE;
  const jwt: JwtVerifier | null = config.jwt ? createJwtVerifier(config.jwt, log) : null;
  const withPolicy = <C extends Caller>(caller: C): C => {
    if (config.readAccess !== "public" || caller.scopes.includes("read")) return caller;
    if (caller.kind === "key" && caller.source !== null) return caller;
    return { ...caller, scopes: [...caller.scopes, "read" satisfies Scope] };
  };
  return {
    config,
    anonymous,
    async ready() {
      await jwt?.ready();
    },
    async authenticate(request, db) {
      const header = request.headers.get("authorization");
      if (header === null) return { ok: true, caller: anonymous };
      if (header.length > MAX_AUTHORIZATION_LENGTH)
        return { ok: false, reason: "invalid", log: { credential: "malformed", length: header.length } };
      const token = BEARER.exec(header)?.[1];
      if (!token) return { ok: false, reason: "invalid", log: { credential: "malformed" } };
      if (token.startsWith(LOCAL_TOKEN_PREFIX)) {
        if (localAdmin && sameToken(token, localAdmin.token)) return { ok: true, caller: localAdmin.caller };
        return { ok: false, reason: "invalid", log: { credential: "local admin" } };
      }
      if (token.startsWith("agentry_")) {
        // The id is public (keys list shows it): it says which key failed without the secret.
        const keyId = KEY_ID.exec(token)?.[1] ?? null;
        try {
          const caller = await verifyKey(db, token);
          if (!caller) return { ok: false, reason: "invalid", log: { credential: "api key", keyId } };
          return { ok: true, caller: withPolicy(caller) };
        } catch (cause) {
          return { ok: false, reason: "unavailable", log: { credential: "api key", keyId }, cause };
        }
      }
      if (!jwt)
        return { ok: false, reason: "invalid", log: { credential: "jwt", code: "JWT_NOT_CONFIGURED" } };
      const outcome = await jwt.verify(token);
      if (outcome.ok) return { ok: true, caller: withPolicy(outcome.caller) };
      if (outcome.reason === "unavailable")
        return { ok: false, reason: "unavailable", log: { credential: "jwt" }, cause: outcome.cause };
      return { ok: false, reason: "invalid", log: { credential: "jwt", code: outcome.code } };
    },
  };
}

/** Seconds a client should wait after a 503 of authentication. */
export const AUTH_RETRY_AFTER_SECONDS = 5;

/** The one answer to every refused credential. */
export function unauthenticatedResponse(requestId: string): Response {
  return Response.json(
    {
      errors: [
        {
          message:
            "the bearer token is not valid: send a live API key or a valid JWT, or no Authorization header",
          extensions: { code: "UNAUTHENTICATED", requestId },
        },
      ],
    },
    { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } },
  );
}

/** A credential that could not be checked: retry, it may well be good. */
export function authenticationUnavailableResponse(requestId: string): Response {
  return Response.json(
    {
      errors: [
        {
          message: "the credential could not be checked right now; retry shortly",
          extensions: { code: "SERVICE_UNAVAILABLE", requestId },
        },
      ],
    },
    { status: 503, headers: { "retry-after": String(AUTH_RETRY_AFTER_SECONDS) } },
  );
}
