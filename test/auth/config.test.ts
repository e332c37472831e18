// The authentication variables (src/config.ts readAuthConfig): each malformed one stops
// start-up with a message naming it, never quoting a key; `agentry serve` refuses to start.
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, readAuthConfig } from "../../src/config.js";
import { serve } from "../../src/node.js";

const JWT = { AGENTRY_JWT_ISSUER: "https://idp.example.test/", AGENTRY_JWT_AUDIENCE: "agentry" };

describe("authentication configuration", () => {
  let pem: string;
  let privatePem: string;
  let jwk: Record<string, unknown>;
  let privateJwk: Record<string, unknown>;
  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    pem = await exportSPKI(pair.publicKey);
    privatePem = await exportPKCS8(pair.privateKey);
    jwk = { ...(await exportJWK(pair.publicKey)) };
    privateJwk = { ...(await exportJWK(pair.privateKey)) };
  });

  it("defaults to public reads and no JWTs, and reads a complete JWT configuration", () => {
    expect(readAuthConfig({})).toEqual({ readAccess: "public", jwt: null });
    expect(readAuthConfig({ AGENTRY_READ_ACCESS: "token" })).toEqual({ readAccess: "token", jwt: null });
    expect(
      readAuthConfig({
        ...JWT,
        AGENTRY_JWT_JWKS_URL: "https://idp.example.test/.well-known/jwks.json",
        AGENTRY_JWT_AUDIENCE: "agentry, agentry-ci",
        AGENTRY_JWT_ALGORITHMS: "ES256, RS256,ES256",
        AGENTRY_JWT_CLOCK_TOLERANCE: "0",
        AGENTRY_JWT_SCOPES_CLAIM: "scp",
        AGENTRY_JWT_JWKS_TIMEOUT_MS: "1500",
      }),
    ).toEqual({
      readAccess: "public",
      jwt: {
        keys: { kind: "jwks", url: "https://idp.example.test/.well-known/jwks.json", timeoutMs: 1500 },
        algorithms: ["ES256", "RS256"],
        issuer: "https://idp.example.test/",
        audience: ["agentry", "agentry-ci"],
        clockToleranceSeconds: 0,
        scopesClaim: "scp",
      },
    });
    expect(readAuthConfig({ ...JWT, AGENTRY_JWT_PUBLIC_KEY: pem }).jwt).toMatchObject({
      keys: { kind: "static", format: "pem" },
      algorithms: ["RS256", "ES256"],
      clockToleranceSeconds: 30,
      scopesClaim: "scope",
    });
  });

  it("names the variable of every malformed value, and never quotes a key", () => {
    const url = { AGENTRY_JWT_JWKS_URL: "https://idp.example.test/jwks" };
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ AGENTRY_READ_ACCESS: "nobody" }, "AGENTRY_READ_ACCESS", /AGENTRY_READ_ACCESS/],
      [{ ...JWT, ...url, AGENTRY_JWT_ALGORITHMS: "none" }, "none", /AGENTRY_JWT_ALGORITHMS: none is refused/],
      [
        { ...JWT, ...url, AGENTRY_JWT_ALGORITHMS: "RS256,HS256" },
        "HS256",
        /AGENTRY_JWT_ALGORITHMS: HS256 is refused/,
      ],
      [
        { ...JWT, ...url, AGENTRY_JWT_ALGORITHMS: "RS257" },
        "RS257",
        /AGENTRY_JWT_ALGORITHMS: "RS257" is not one of/,
      ],
      [{ ...JWT, ...url, AGENTRY_JWT_ALGORITHMS: " , " }, "", /AGENTRY_JWT_ALGORITHMS: name at least one/],
      [{ ...url, AGENTRY_JWT_AUDIENCE: "agentry" }, "", /AGENTRY_JWT_ISSUER is required/],
      [{ ...url, AGENTRY_JWT_ISSUER: "https://idp.example.test/" }, "", /AGENTRY_JWT_AUDIENCE is required/],
      [{ ...JWT, ...url, AGENTRY_JWT_AUDIENCE: " ," }, "", /AGENTRY_JWT_AUDIENCE is required/],
      [
        { ...JWT, ...url, AGENTRY_JWT_CLOCK_TOLERANCE: "abc" },
        "",
        /AGENTRY_JWT_CLOCK_TOLERANCE: seconds, 0 to 300/,
      ],
      [
        { ...JWT, ...url, AGENTRY_JWT_CLOCK_TOLERANCE: "301" },
        "",
        /AGENTRY_JWT_CLOCK_TOLERANCE: seconds, 0 to 300/,
      ],
      [
        { ...JWT, ...url, AGENTRY_JWT_CLOCK_TOLERANCE: "-1" },
        "",
        /AGENTRY_JWT_CLOCK_TOLERANCE: seconds, 0 to 300/,
      ],
      [
        { ...JWT, ...url, AGENTRY_JWT_CLOCK_TOLERANCE: "1.5" },
        "",
        /AGENTRY_JWT_CLOCK_TOLERANCE: seconds, 0 to 300/,
      ],
      [
        { ...JWT, ...url, AGENTRY_JWT_SCOPES_CLAIM: "my scopes" },
        "",
        /AGENTRY_JWT_SCOPES_CLAIM: a claim name/,
      ],
      [{ ...JWT, ...url, AGENTRY_JWT_JWKS_TIMEOUT_MS: "5" }, "", /AGENTRY_JWT_JWKS_TIMEOUT_MS/],
      [
        { ...JWT, AGENTRY_JWT_JWKS_URL: "http://idp.example.test/jwks" },
        "",
        /AGENTRY_JWT_JWKS_URL must be an https:\/\/ URL/,
      ],
      [
        { ...JWT, AGENTRY_JWT_JWKS_URL: "idp.example.test/jwks" },
        "",
        /AGENTRY_JWT_JWKS_URL must be an https:\/\/ URL/,
      ],
      [
        { ...JWT, AGENTRY_JWT_JWKS_URL: "ftp://localhost/jwks" },
        "",
        /AGENTRY_JWT_JWKS_URL must be an https:\/\/ URL/,
      ],
      [{ AGENTRY_JWT_ISSUER: "https://idp.example.test/" }, "", /AGENTRY_JWT_ISSUER is set but JWTs are off/],
      [{ AGENTRY_JWT_CLOCK_TOLERANCE: "10" }, "", /AGENTRY_JWT_CLOCK_TOLERANCE is set but JWTs are off/],
    ];
    for (const [env, value, message] of cases) {
      let error: unknown;
      try {
        readAuthConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((error as Error).message, JSON.stringify(env)).toMatch(message);
      expect((error as Error).message).toMatch(/^invalid configuration: /);
      if (value === "") continue;
      // The value appears only where it is the thing named wrong (an algorithm).
      expect((error as Error).message).not.toMatch(/\n/);
    }
  });

  it("refuses a private, symmetric or unreadable key in AGENTRY_JWT_PUBLIC_KEY without quoting it", () => {
    const cases: [string, RegExp][] = [
      [privatePem, /AGENTRY_JWT_PUBLIC_KEY holds a private key/],
      [JSON.stringify(privateJwk), /AGENTRY_JWT_PUBLIC_KEY holds a private key/],
      [
        JSON.stringify({ kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQ" }),
        /AGENTRY_JWT_PUBLIC_KEY: a symmetric key/,
      ],
      [JSON.stringify({ keys: [] }), /AGENTRY_JWT_PUBLIC_KEY: the JWK set has no keys/],
      [
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        /AGENTRY_JWT_PUBLIC_KEY: a PEM key must be/,
      ],
      ["secret-value-1234", /AGENTRY_JWT_PUBLIC_KEY: neither a PEM public key nor JSON/],
    ];
    for (const [key, message] of cases) {
      let error: unknown;
      try {
        readAuthConfig({ ...JWT, AGENTRY_JWT_PUBLIC_KEY: key });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as Error).message;
      expect(text).toMatch(message);
      expect(text).not.toContain(key.slice(40, 80) || key);
      expect(text).not.toContain("secret-value");
    }
    expect(() =>
      readAuthConfig({ ...JWT, AGENTRY_JWT_PUBLIC_KEY: pem, AGENTRY_JWT_JWKS_URL: "https://x.test/" }),
    ).toThrow(/set AGENTRY_JWT_JWKS_URL or AGENTRY_JWT_PUBLIC_KEY, not both/);
    expect(() =>
      readAuthConfig({
        ...JWT,
        AGENTRY_JWT_PUBLIC_KEY: JSON.stringify(jwk),
        AGENTRY_JWT_JWKS_TIMEOUT_MS: "900",
      }),
    ).toThrow(/AGENTRY_JWT_JWKS_TIMEOUT_MS is set but there is no AGENTRY_JWT_JWKS_URL/);
  });

  it("stops `agentry serve` before it listens: a malformed variable, or a key that fits no allowed algorithm", async () => {
    const base = { DATABASE_URL: "memory://", AGENTRY_EXAMPLES: "0" };
    await expect(serve({ env: { ...base, AGENTRY_READ_ACCESS: "everyone" }, port: 0 })).rejects.toThrow(
      /invalid configuration: AGENTRY_READ_ACCESS/,
    );
    const failure = (env: Record<string, string>) =>
      serve({ env: { ...base, ...JWT, ...env }, port: 0 }).then(
        async (running) => {
          await running.close();
          return null;
        },
        (e: Error) => e,
      );
    // An RSA key where only ES256 is allowed: the shape is right, the import fails at start-up.
    const error = await failure({ AGENTRY_JWT_PUBLIC_KEY: pem, AGENTRY_JWT_ALGORITHMS: "ES256" });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(
      "invalid configuration: AGENTRY_JWT_PUBLIC_KEY is not a public key for any of AGENTRY_JWT_ALGORITHMS (ES256)",
    );
    // Cut short: not DER at all.
    const truncated = `${pem.slice(0, 90)}\n-----END PUBLIC KEY-----`;
    expect((await failure({ AGENTRY_JWT_PUBLIC_KEY: truncated }))?.message).toBe(
      "invalid configuration: AGENTRY_JWT_PUBLIC_KEY is not a public key for any of AGENTRY_JWT_ALGORITHMS (RS256, ES256)",
    );
  });
});
