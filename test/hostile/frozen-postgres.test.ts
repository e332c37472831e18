// A hung PostgreSQL: a server of this test's own (never the shared one), frozen whole with
// SIGSTOP (postmaster and backends: connections open, nothing answers), on each driver that
// talks to a server: node-postgres, Neon's WebSocket pool (through the local relay) and Neon's
// HTTP mode (through the local HTTP SQL stand-in). With it frozen:
// - checkReadiness answers not-ok within its 1 s budget (before a 5 s timer, and < 3 s);
// - queries fail with a timeout error instead of hanging, more of them than the pool holds;
// - after SIGCONT everything answers again, and no connection was leaked.
// And, unfrozen: the reads' statement timeout cuts a long read, not a transaction (an import's
// batch runs under the batch timeout).
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import type { DatabaseConfig, DriverName } from "../../src/config.js";
import { checkReadiness } from "../../src/server/readiness.js";
import { servicesRequired } from "../support/databases.js";
import {
  type Freezable,
  privatePostgresAvailable,
  startPrivatePostgres,
} from "../support/frozen-services.js";
import { type NeonHttpEndpoint, startNeonHttpEndpoint } from "../support/neon-http-endpoint.js";
import { type NeonWsRelay, startNeonWsRelay } from "../support/neon-ws-relay.js";

const available = privatePostgresAvailable();
if (!available) {
  if (servicesRequired()) throw new Error("the frozen-PostgreSQL tests need PostgreSQL's binaries and root");
  console.warn("SKIPPED: the frozen-PostgreSQL tests need PostgreSQL's binaries (initdb) and root");
}

const TIMEOUTS = {
  statementMs: 1000,
  batchStatementMs: 30_000,
  connectMs: 1000,
  idleInTransactionMs: 10_000,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The promise's outcome, or "hung" if it has none after `ms`. */
async function within<T>(p: Promise<T>, ms: number) {
  const started = Date.now();
  const outcome = await Promise.race([
    p.then(
      (value) => ({ settled: "resolved" as const, value }),
      (error: unknown) => ({ settled: "rejected" as const, error: error as Error & { cause?: Error } }),
    ),
    sleep(ms).then(() => ({ settled: "hung" as const })),
  ]);
  return { ...outcome, ms: Date.now() - started };
}
const messageOf = (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ""}`;

describe.runIf(available)("a frozen PostgreSQL", () => {
  let server: Freezable & { url: string; pids(): number[] };
  let relay: NeonWsRelay;
  let endpoint: NeonHttpEndpoint;
  const config = (driver: DriverName): DatabaseConfig => ({
    driver,
    url: server.url,
    dataDir: null,
    neon: {
      wsProxy: `127.0.0.1:${relay.port}/v2`,
      httpEndpoint: endpoint.url,
      insecure: true,
    },
    timeouts: TIMEOUTS,
  });
  beforeAll(async () => {
    server = await startPrivatePostgres();
    relay = await startNeonWsRelay();
    endpoint = await startNeonHttpEndpoint();
    const database = await openDatabase(config("pg"));
    await database.migrate();
    await database.close();
  }, 60_000);
  afterAll(async () => {
    server?.thaw();
    await endpoint?.close();
    await relay?.close();
    await server?.stop();
  });

  it("cuts a read at the statement timeout, but not a transaction or a batch workload", async () => {
    const database = await openDatabase(config("pg"));
    const batch = await openDatabase(config("pg"), { workload: "batch" });
    try {
      const read = await within(database.db.execute(sql`select pg_sleep(1.5)`), 10_000);
      expect(read.settled).toBe("rejected");
      if (read.settled === "rejected") expect(messageOf(read.error)).toMatch(/statement timeout/);
      const tx = await within(
        database.transaction((t) => t.execute(sql`select pg_sleep(1.5)`)),
        10_000,
      );
      expect(tx.settled).toBe("resolved");
      const batchRead = await within(batch.db.execute(sql`select pg_sleep(1.5)`), 10_000);
      expect(batchRead.settled).toBe("resolved");
    } finally {
      await database.close();
      await batch.close();
    }
  }, 30_000);

  for (const driver of ["pg", "neon-ws", "neon-http"] as const) {
    it(`with ${driver}: readiness answers not-ok within 1 s, queries fail with a timeout, all recovers after SIGCONT`, async () => {
      const database: Database = await openDatabase(config(driver));
      try {
        // Warm: connections in the pool, readiness ok.
        await Promise.all(Array.from({ length: 5 }, () => database.db.execute(sql`select 1`)));
        expect(await checkReadiness(database, { timeoutMs: 1000 })).toEqual({ ok: true });

        server.freeze();
        try {
          // Readiness: not-ok, well before a 5 s timer, on the Database and on its executor.
          for (const target of [database, database.db]) {
            const r = await within(checkReadiness(target, { timeoutMs: 1000 }), 5000);
            expect(r.settled).toBe("resolved");
            if (r.settled === "resolved") {
              expect(r.value.ok).toBe(false);
              expect(r.ms).toBeLessThan(3000);
            }
          }
          // Twelve queries at once (the pool holds ten): each fails with a timeout, none hangs.
          const outcomes = await Promise.all(
            Array.from({ length: 12 }, () => within(database.db.execute(sql`select 1`), 10_000)),
          );
          expect(outcomes.map((o) => o.settled)).toEqual(Array(12).fill("rejected"));
          for (const o of outcomes)
            if (o.settled === "rejected") expect(messageOf(o.error)).toMatch(/timeout|timed out|abort/i);
        } finally {
          server.thaw();
        }

        // Back: queries and readiness answer again (the pool replaces what it dropped).
        let back = false;
        for (let i = 0; i < 50 && !back; i++) {
          back = (await within(database.db.execute(sql`select 1`), 3000)).settled === "resolved";
          if (!back) await sleep(200);
        }
        expect(back).toBe(true);
        expect(await checkReadiness(database, { timeoutMs: 1000 })).toEqual({ ok: true });
        // No connection leaked: at most the two pools' sizes (10 + 4) are open on the server.
        const admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        try {
          const { rows } = await admin.query(
            "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
          );
          expect(rows[0].n).toBeLessThanOrEqual(14 + (driver === "neon-http" ? 5 : 0));
        } finally {
          await admin.end();
        }
      } finally {
        server.thaw();
        await database.close();
      }
    }, 60_000);
  }
});
