// JWTs of an identity provider (issue 16 points 2 and 6, decision 0023): keys made with jose
// here, published by a real local HTTP JWKS server, tokens sent through the real app. Accepted:
// a token signed by a published key with the configured issuer and audience, unexpired (or
// expired within the clock tolerance). Refused with the one 401: `alg: none`, HS256 signed with
// the public key as its secret, a wrong issuer or audience, expired beyond the tolerance, not
// yet valid, signed by another key (same kid or an unknown one), no `sub`, no `exp`. A JWKS
// endpoint that is down or broken is 503, not 401. Scopes come from the configured claim;
// unknown ones are dropped and logged once, without the token.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  base64url,
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "../../src/auth/authenticate.js";
import type { Database } from "../../src/catalog/database.js";
import { type AuthConfig, readAuthConfig } from "../../src/config.js";
import { type App, createApp } from "../../src/server/app.js";
import { MemoryRateLimit } from "../../src/server/rate-limit.js";
import { type CapturedLogger, captureLogger } from "../support/app.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const ISSUER = "https://idp.example.test/";
const AUDIENCE = "agentry-api";

interface JwksServer {
  url: string;
  requests: number;
  /** What the endpoint answers: the keys, a 500, or garbage. */
  mode: "keys" | "error" | "garbage";
  keys: JWK[];
  close(): Promise<void>;
}

async function startJwks(keys: JWK[]): Promise<JwksServer> {
  const state = { requests: 0, mode: "keys" as JwksServer["mode"], keys };
  const server: Server = createServer((_req, res) => {
    state.requests++;
    if (state.mode === "error") {
      res.writeHead(500).end("down for maintenance");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(state.mode === "garbage" ? "<html>" : JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as JwksServer;
}

const now = () => Math.floor(Date.now() / 1000);

async function sign(
  key: CryptoKey,
  options: { alg?: string; kid?: string; claims?: JWTPayload; omit?: ("sub" | "exp" | "iss" | "aud")[] } = {},
): Promise<string> {
  const claims: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: "user-42",
    iat: now(),
    exp: now() + 300,
    scope: "read publish:acme",
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? "RS256", kid: options.kid ?? "k1", typ: "JWT" })
    .sign(key);
}

/** An unsigned token: `alg: none`, empty signature. */
function unsigned(claims: JWTPayload): string {
  const part = (v: object) => base64url.encode(JSON.stringify(v));
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

/** HS256 over the token with the public key's PEM as the HMAC secret (the classic confusion). */
async function hmacWithPublicKey(pem: string, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", kid: "k1", typ: "JWT" })
    .sign(new TextEncoder().encode(pem));
}

const UNAUTHENTICATED = {
  errors: [
    {
      message:
        "the bearer token is not valid: send a live API key or a valid JWT, or no Authorization header",
      extensions: { code: "UNAUTHENTICATED", requestId: expect.any(String) },
    },
  ],
};

const seen: string[] = [];

async function ask(app: App, token: string | null, address = "192.0.2.7") {
  const response = await app.fetch(
    new Request("http://agentry.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query: "{ __typename }" }),
    }),
    undefined,
    { address },
  );
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as any };
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { AGENTRY_JWT_ISSUER: ISSUER, AGENTRY_JWT_AUDIENCE: AUDIENCE, ...extra };
}

describe("JWTs", () => {
  let t: TestDatabase;
  let database: Database;
  let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
  let ec: { publicKey: CryptoKey; privateKey: CryptoKey };
  let stranger: { publicKey: CryptoKey; privateKey: CryptoKey };
  let pem: string;
  let jwks: JwksServer;
  const tokens: string[] = [];
  const loggers: CapturedLogger[] = [];

  beforeAll(async () => {
    const [pglite] = await driverCases();
    t = await pglite!.open();
    database = t.database;
    rsa = await generateKeyPair("RS256", { extractable: true });
    ec = await generateKeyPair("ES256", { extractable: true });
    stranger = await generateKeyPair("RS256", { extractable: true });
    pem = await exportSPKI(rsa.publicKey);
    jwks = await startJwks([
      { ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256", use: "sig" },
      { ...(await exportJWK(ec.publicKey)), kid: "k2", alg: "ES256", use: "sig" },
    ]);
  });
  afterAll(async () => {
    await jwks?.close();
    await t?.cleanup();
  });
  afterEach(() => {
    const logs = JSON.stringify(loggers.map((l) => l.lines));
    for (const token of tokens)
      for (const text of [...seen, logs]) expect(text).not.toContain(token.split(".")[2] || token);
    tokens.length = 0;
  });

  function appWith(auth: AuthConfig, rateLimit?: MemoryRateLimit): { app: App; logger: CapturedLogger } {
    const logger = captureLogger();
    loggers.push(logger);
    return { app: createApp({ database, logger, auth, rateLimit: rateLimit ?? false }), logger };
  }
  const remember = <T extends string>(token: T): T => {
    tokens.push(token);
    return token;
  };
  const expectRefused = (a: Awaited<ReturnType<typeof ask>>, label: string) => {
    expect(a.status, label).toBe(401);
    expect(a.headers.get("www-authenticate"), label).toBe('Bearer error="invalid_token"');
    expect(a.body, label).toEqual(UNAUTHENTICATED);
  };

  it("accepts a token signed by a published key, RS256 and ES256, and knows who called", async () => {
    const config = readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: jwks.url }));
    const { app } = appWith(config);
    const good = remember(await sign(rsa.privateKey));
    const goodEc = remember(await sign(ec.privateKey, { alg: "ES256", kid: "k2" }));
    expect((await ask(app, good)).body).toEqual({ data: { __typename: "Query" } });
    expect((await ask(app, goodEc)).status).toBe(200);
    const auth = createAuthenticator(config, () => {});
    const request = new Request("http://agentry.test/graphql", {
      headers: { authorization: `Bearer ${good}` },
    });
    expect(await auth.authenticate(request, database.db)).toEqual({
      ok: true,
      caller: { kind: "jwt", issuer: ISSUER, subject: "user-42", scopes: ["read", "publish:acme"] },
    });
  });

  it("refuses alg none, HS256 with the public key as secret, wrong iss or aud, expiry beyond the tolerance, another key, no sub or exp", async () => {
    const { app, logger } = appWith(readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: jwks.url })));
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: "user-42", exp: now() + 300, scope: "admin" };
    const cases: [string, string][] = [
      ["alg none", unsigned(claims)],
      ["alg none, signature kept", `${unsigned(claims)}${(await sign(rsa.privateKey)).split(".")[2]}`],
      ["HS256 with the PEM public key as secret", await hmacWithPublicKey(pem, claims)],
      [
        "HS256 with the JWK's modulus as secret",
        await new SignJWT(claims)
          .setProtectedHeader({ alg: "HS256", kid: "k1" })
          .sign(new TextEncoder().encode(JSON.stringify(await exportJWK(rsa.publicKey)))),
      ],
      ["wrong issuer", await sign(rsa.privateKey, { claims: { iss: "https://evil.example.test/" } })],
      ["issuer without its slash", await sign(rsa.privateKey, { claims: { iss: ISSUER.slice(0, -1) } })],
      ["wrong audience", await sign(rsa.privateKey, { claims: { aud: "another-api" } })],
      ["no audience", await sign(rsa.privateKey, { omit: ["aud"] })],
      ["expired 31 s ago (tolerance 30)", await sign(rsa.privateKey, { claims: { exp: now() - 31 } })],
      ["not valid for another minute", await sign(rsa.privateKey, { claims: { nbf: now() + 60 } })],
      ["signed by another key under a published kid", await sign(stranger.privateKey)],
      ["signed by another key under an unknown kid", await sign(stranger.privateKey, { kid: "k9" })],
      ["ES256 header over an RSA key's kid", await sign(ec.privateKey, { alg: "ES256", kid: "k1" })],
      [
        "RS384, not among the algorithms",
        await sign((await generateKeyPair("RS384")).privateKey, { alg: "RS384" }),
      ],
      ["no sub", await sign(rsa.privateKey, { omit: ["sub"] })],
      ["no exp", await sign(rsa.privateKey, { omit: ["exp"] })],
      ["a sub of 300 characters", await sign(rsa.privateKey, { claims: { sub: "x".repeat(300) } })],
      ["not a JWT", "abc.def"],
    ];
    for (const [label, token] of cases) expectRefused(await ask(app, remember(token)), label);
    const codes = logger.lines
      .filter((l) => l.message === "a credential was refused")
      .map((l) => l.fields!.code);
    expect(codes).toEqual([
      "ERR_JOSE_ALG_NOT_ALLOWED",
      "ERR_JOSE_ALG_NOT_ALLOWED",
      "ERR_JOSE_ALG_NOT_ALLOWED",
      "ERR_JOSE_ALG_NOT_ALLOWED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_JWT_EXPIRED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
      "ERR_JWKS_NO_MATCHING_KEY",
      "ERR_JWKS_NO_MATCHING_KEY",
      "ERR_JOSE_ALG_NOT_ALLOWED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
      "ERR_SUBJECT",
      "ERR_JWS_INVALID",
    ]);
  });

  it("accepts a token expired within the clock tolerance, and honours a smaller one", async () => {
    const lenient = appWith(readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: jwks.url }))).app;
    const strict = appWith(
      readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: jwks.url, AGENTRY_JWT_CLOCK_TOLERANCE: "5" })),
    ).app;
    const lately = remember(await sign(rsa.privateKey, { claims: { exp: now() - 10 } }));
    expect((await ask(lenient, lately)).status).toBe(200);
    expectRefused(await ask(strict, lately), "10 s late, tolerance 5");
    const early = remember(await sign(rsa.privateKey, { claims: { nbf: now() + 10 } }));
    expect((await ask(lenient, early)).status).toBe(200);
  });

  it("reads scopes from the configured claim, a string or an array; drops unknown ones, logged once; none without the claim", async () => {
    const config = readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: jwks.url, AGENTRY_READ_ACCESS: "token" }));
    const lines: { message: string; fields: Record<string, unknown> }[] = [];
    const auth = createAuthenticator(config, (message, fields) => lines.push({ message, fields }));
    const callerOf = async (token: string) => {
      remember(token);
      const r = new Request("http://agentry.test/graphql", { headers: { authorization: `Bearer ${token}` } });
      const outcome = await auth.authenticate(r, database.db);
      return outcome.ok ? outcome.caller : outcome;
    };
    expect(
      await callerOf(await sign(rsa.privateKey, { claims: { scope: "read:acme openid profile" } })),
    ).toEqual({
      kind: "jwt",
      issuer: ISSUER,
      subject: "user-42",
      scopes: ["read:acme"],
    });
    expect(
      await callerOf(await sign(rsa.privateKey, { claims: { scope: "openid profile admin" } })),
    ).toMatchObject({
      scopes: ["admin"],
    });
    expect(lines).toEqual([
      {
        message: "a JWT's scopes claim held scopes Agentry does not know: dropped",
        fields: { claim: "scope", scopes: ["openid", "profile"] },
      },
    ]);
    expect(
      await callerOf(await sign(rsa.privateKey, { claims: { scope: ["publish:a", "publish:a", 7, "x:y"] } })),
    ).toMatchObject({
      scopes: ["publish:a"],
    });
    expect(await callerOf(await sign(rsa.privateKey, { claims: { scope: undefined } }))).toMatchObject({
      scopes: [],
    });
    expect(await callerOf(await sign(rsa.privateKey, { claims: { scope: 42 } }))).toMatchObject({
      scopes: [],
    });
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toEqual({ claim: "scope", scopes: ["x:y"] });
    // Another claim name (an Auth0-style namespaced one), and the public policy's `read` added.
    const custom = createAuthenticator(
      readAuthConfig(
        env({ AGENTRY_JWT_JWKS_URL: jwks.url, AGENTRY_JWT_SCOPES_CLAIM: "https://agentry.dev/scopes" }),
      ),
      () => {},
    );
    const token = remember(
      await sign(rsa.privateKey, { claims: { scope: "admin", "https://agentry.dev/scopes": ["publish:b"] } }),
    );
    const r = new Request("http://agentry.test/graphql", { headers: { authorization: `Bearer ${token}` } });
    expect(await custom.authenticate(r, database.db)).toMatchObject({
      ok: true,
      caller: { scopes: ["publish:b", "read"] },
    });
    expect(JSON.stringify(lines)).not.toContain(token.split(".")[2]);
  });

  it("fetches the JWK set once and keeps it, and limits each subject on its own budget", async () => {
    const server = await startJwks([{ ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256" }]);
    try {
      const { app } = appWith(
        readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: server.url })),
        new MemoryRateLimit(3),
      );
      const alice = remember(await sign(rsa.privateKey, { claims: { sub: "alice" } }));
      const bob = remember(await sign(rsa.privateKey, { claims: { sub: "bob" } }));
      const left = (a: Awaited<ReturnType<typeof ask>>) =>
        /r=(\d+)/.exec(a.headers.get("ratelimit") ?? "")?.[1];
      expect(left(await ask(app, alice, "198.51.100.1"))).toBe("2");
      expect(left(await ask(app, alice, "198.51.100.2"))).toBe("1");
      expect(left(await ask(app, bob, "198.51.100.1"))).toBe("2");
      expect(left(await ask(app, null, "198.51.100.1"))).toBe("2");
      expect(server.requests).toBe(1);
      // An unknown kid refetches at most once per cooldown (30 s): a flood costs one fetch.
      for (let i = 0; i < 5; i++)
        expect((await ask(app, remember(await sign(stranger.privateKey, { kid: `x${i}` })))).status).toBe(
          401,
        );
      expect(server.requests).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("answers 503 with Retry-After when the JWKS endpoint is down, failing or garbled, and 200 once it is back", async () => {
    const server = await startJwks([{ ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256" }]);
    const token = remember(await sign(rsa.privateKey));
    const unavailable = (a: Awaited<ReturnType<typeof ask>>, label: string) => {
      expect(a.status, label).toBe(503);
      expect(a.headers.get("retry-after"), label).toBe("5");
      expect(a.headers.get("www-authenticate"), label).toBeNull();
      expect(a.body.errors[0].extensions.code, label).toBe("SERVICE_UNAVAILABLE");
    };
    try {
      for (const mode of ["error", "garbage"] as const) {
        server.mode = mode;
        const { app, logger } = appWith(readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: server.url })));
        unavailable(await ask(app, token), mode);
        expect(logger.lines.map((l) => l.message)).toEqual(["a credential could not be checked"]);
      }
      server.mode = "keys";
      const { app } = appWith(readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: server.url })));
      expect((await ask(app, token)).status).toBe(200);
    } finally {
      await server.close();
    }
    // Nothing listens any more: connection refused.
    const { app, logger } = appWith(readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: server.url })));
    unavailable(await ask(app, token), "refused");
    expect(logger.lines[0]!.level).toBe("error");
    // A server that accepts and never answers: the JWKS timeout, well within the request's budget.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks`;
      const hung = appWith(
        readAuthConfig(env({ AGENTRY_JWT_JWKS_URL: url, AGENTRY_JWT_JWKS_TIMEOUT_MS: "300" })),
      ).app;
      const started = Date.now();
      unavailable(await ask(hung, token), "silent");
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("verifies against a static public key: PEM (with \\n written out) or JWK, and refuses the other key", async () => {
    for (const key of [pem, pem.replace(/\n/g, "\\n"), JSON.stringify(await exportJWK(rsa.publicKey))]) {
      const { app } = appWith(readAuthConfig(env({ AGENTRY_JWT_PUBLIC_KEY: key })));
      await app.ready();
      expect((await ask(app, remember(await sign(rsa.privateKey)))).status).toBe(200);
      expectRefused(await ask(app, remember(await sign(stranger.privateKey))), "another key");
      expectRefused(
        await ask(
          app,
          remember(await hmacWithPublicKey(pem, { iss: ISSUER, aud: AUDIENCE, sub: "x", exp: now() + 60 })),
        ),
        "HS256",
      );
    }
    const ecApp = appWith(
      readAuthConfig(
        env({ AGENTRY_JWT_PUBLIC_KEY: await exportSPKI(ec.publicKey), AGENTRY_JWT_ALGORITHMS: "ES256" }),
      ),
    ).app;
    await ecApp.ready();
    expect((await ask(ecApp, remember(await sign(ec.privateKey, { alg: "ES256" })))).status).toBe(200);
    expectRefused(
      await ask(ecApp, remember(await sign(rsa.privateKey))),
      "RS256 where only ES256 is allowed",
    );
  });

  it("refuses every bearer token that is not a key when no issuer is configured", async () => {
    const { app } = appWith(readAuthConfig({}));
    expectRefused(await ask(app, remember(await sign(rsa.privateKey))), "no JWT configured");
  });
});
