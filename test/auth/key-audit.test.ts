// Key changes in the audit trail (issue 16 point 5): `key-create` and `key-revoke` are written by
// the same statement as the change (a CTE), so they are atomic on every driver, Neon's HTTP one
// included; a refused key (a duplicate live name) and a revoke of a revoked key write nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey, localActor, revokeKey } from "../../src/auth/api-keys.js";
import { listAuditEvents } from "../../src/catalog/audit.js";
import { driverCases, type TestDatabase } from "../support/databases.js";

const cases = (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "neon-http");

describe.each(cases)("key changes in the audit trail on $driver", ({ open }) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("records who made and revoked which key, and nothing for a refused change", async () => {
    const db = t.database.db;
    const admin = { kind: "key", name: "root-admin", id: "00112233445566ff" };
    const { key } = await createKey(
      db,
      { name: "ci-acme", scopes: ["publish:acme"], source: "acme" },
      { actor: admin, requestId: "req-1" },
    );
    await expect(createKey(db, { name: "ci-acme", scopes: ["read"] })).rejects.toThrow("already named");
    expect(await revokeKey(db, "ci-acme")).toMatchObject({ already: false });
    expect(await revokeKey(db, key.id)).toMatchObject({ already: true });
    const { events, totalCount } = await listAuditEvents(db, { first: 10 });
    expect(totalCount).toBe(2);
    const local = localActor();
    expect(local.kind).toBe("cli");
    expect(
      events.map((e) => [e.action, e.actorKind, e.actorName, e.actorId, e.source, e.target, e.requestId]),
    ).toEqual([
      ["key-revoke", "cli", local.name, null, "acme", `${key.id} ci-acme`, null],
      ["key-create", "key", "root-admin", "00112233445566ff", "acme", `${key.id} ci-acme`, "req-1"],
    ]);
  });
});
