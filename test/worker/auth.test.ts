// Bearer authentication inside workerd (decision 0023): an API key (verifyKey on the Worker's
// Neon HTTP driver, Web Crypto) and a JWT (jose, keys generated here, the public one bound as
// AGENTRY_JWT_PUBLIC_KEY) authenticate through the Worker's fetch; a revoked key, a JWT of
// another key and a malformed header get the one 401; a malformed binding is a 503 naming it.
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createKey, revokeKey } from "../../src/auth/api-keys.js";
import { createAuthenticator } from "../../src/auth/authenticate.js";
import { openNeon } from "../../src/catalog/drivers/neon.js";
import { readAuthConfig, readDatabaseConfig } from "../../src/config.js";
import worker, { type Env } from "../../src/worker.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd authentication tests are skipped");

const ISSUER = "https://idp.example.test/";
const AUDIENCE = "agentry-worker";

async function ask(bindings: Env, authorization: string | null) {
  const response = await worker.fetch(
    new Request("http://agentry.worker/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(authorization === null ? {} : { authorization }),
      },
      body: JSON.stringify({ query: "{ __typename }" }),
    }),
    bindings,
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as any };
}

describe.runIf(env)("bearer authentication on the Worker", () => {
  let bindings: Env;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let other: Awaited<ReturnType<typeof generateKeyPair>>;
  const jwt = (key: CryptoKey, sub = "worker-user") =>
    new SignJWT({ scope: "read:acme" })
      .setProtectedHeader({ alg: "ES256", kid: "w1" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(sub)
      .setExpirationTime("5m")
      .sign(key);

  beforeAll(async () => {
    keys = await generateKeyPair("ES256", { extractable: true });
    other = await generateKeyPair("ES256");
    bindings = {
      ...env!,
      AGENTRY_JWT_PUBLIC_KEY: await exportSPKI(keys.publicKey),
      AGENTRY_JWT_ALGORITHMS: "ES256",
      AGENTRY_JWT_ISSUER: ISSUER,
      AGENTRY_JWT_AUDIENCE: AUDIENCE,
    };
  });

  it("authenticates an API key and a JWT, and refuses a revoked key, another key's JWT and a malformed header", async () => {
    const database = await openNeon(readDatabaseConfig({ ...env!, AGENTRY_DB_DRIVER: "neon-http" }), {});
    try {
      const { token, key } = await createKey(database.db, {
        name: `workerd-bearer-${Date.now()}`,
        scopes: ["publish:acme"],
        source: "acme",
      });
      const good = await jwt(keys.privateKey);
      const OK = { data: { __typename: "Query" } };
      expect((await ask(bindings, `Bearer ${token}`)).body).toEqual(OK);
      expect((await ask(bindings, `Bearer ${good}`)).body).toEqual(OK);
      expect((await ask(bindings, null)).body).toEqual(OK);

      // The same callers as the Node app sees them, here in workerd.
      const auth = createAuthenticator(readAuthConfig(bindings as Record<string, string>), () => {});
      const request = (t: string) =>
        new Request("http://agentry.worker/graphql", { headers: { authorization: `Bearer ${t}` } });
      expect(await auth.authenticate(request(token), database.db)).toEqual({
        ok: true,
        caller: { kind: "key", id: key.id, name: key.name, scopes: ["publish:acme"], source: "acme" },
      });
      expect(await auth.authenticate(request(good), database.db)).toEqual({
        ok: true,
        caller: { kind: "jwt", issuer: ISSUER, subject: "worker-user", scopes: ["read:acme", "read"] },
      });

      const refusals = [
        await ask(bindings, `Bearer ${await jwt(other.privateKey)}`),
        await ask(bindings, `Basic ${btoa("a:b")}`),
      ];
      await revokeKey(database.db, key.id);
      refusals.push(await ask(bindings, `Bearer ${token}`));
      for (const r of refusals) {
        expect(r.status).toBe(401);
        expect(r.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
        expect(r.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
        expect(r.text).not.toContain(token.slice(25));
      }
    } finally {
      await database.close();
    }
  });

  it("answers 503 naming a malformed authentication binding", async () => {
    const r = await ask({ ...bindings, AGENTRY_JWT_ALGORITHMS: "HS256" }, null);
    expect(r.status).toBe(503);
    expect(r.body.errors[0].message).toMatch(
      /^invalid configuration: AGENTRY_JWT_ALGORITHMS: HS256 is refused/,
    );
    const wrong = await ask({ ...bindings, AGENTRY_READ_ACCESS: "all" }, null);
    expect(wrong.status).toBe(503);
    expect(wrong.body.errors[0].message).toMatch(/AGENTRY_READ_ACCESS/);
  });
});
