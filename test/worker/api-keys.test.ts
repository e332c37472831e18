// verifyKey inside workerd (decision 0022): Web Crypto only, on the Worker's driver (Neon HTTP
// through the local stand-in, the database global-setup.ts prepared, migrated with api_keys).
/// <reference path="../../node_modules/@cloudflare/vitest-pool-workers/types/cloudflare-test.d.ts" />
import { describe, expect, inject, it } from "vitest";
import { createKey, revokeKey, verifyKey } from "../../src/auth/api-keys.js";
import { openNeon } from "../../src/catalog/drivers/neon.js";
import { readDatabaseConfig } from "../../src/config.js";

const env = inject("workerEnv");
if (!env) console.warn("SKIPPED: PostgreSQL is not reachable; the workerd API key test is skipped");

describe.runIf(env)("API keys in the Worker runtime", () => {
  it("creates, verifies and refuses keys with Web Crypto on neon-http", async () => {
    const database = await openNeon(readDatabaseConfig({ ...env!, AGENTRY_DB_DRIVER: "neon-http" }), {});
    try {
      const name = `workerd-${Date.now()}`;
      const { token, key } = await createKey(database.db, { name, scopes: ["publish:acme"], source: "acme" });
      expect(token).toMatch(/^agentry_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(await verifyKey(database.db, token)).toEqual({
        kind: "key",
        id: key.id,
        name,
        scopes: ["publish:acme"],
        source: "acme",
      });
      expect(
        await verifyKey(database.db, `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`),
      ).toBeNull();
      expect(await verifyKey(database.db, "")).toBeNull();
      expect(await verifyKey(database.db, "é".repeat(68))).toBeNull();
      await revokeKey(database.db, key.id);
      expect(await verifyKey(database.db, token)).toBeNull();
    } finally {
      await database.close();
    }
  });
});
