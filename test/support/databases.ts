// Every storage test runs on each driver we ship: embedded PGlite always; node-postgres, Neon
// WebSocket and Neon HTTP against the local Postgres (the Neon ones through the local stand-ins
// in this folder, which forward to that same server). Without Postgres those tiers are skipped
// with a visible message; when AGENTRY_REQUIRE_SERVICES or CI is set, a missing server fails.
import pg from "pg";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import type { DriverName } from "../../src/config.js";
import { startNeonHttpEndpoint } from "./neon-http-endpoint.js";
import { startNeonWsRelay } from "./neon-ws-relay.js";

export const POSTGRES_URL =
  process.env.AGENTRY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function servicesRequired(): boolean {
  return Boolean(process.env.AGENTRY_REQUIRE_SERVICES || process.env.CI);
}

let postgresUp: Promise<boolean> | null = null;

/** Whether the local Postgres answers; throws in CI when it does not. */
export function postgresAvailable(): Promise<boolean> {
  postgresUp ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("select 1");
      return true;
    } catch (e) {
      if (servicesRequired())
        throw new Error(
          `PostgreSQL is required but not reachable at ${POSTGRES_URL}: ${(e as Error).message}`,
        );
      console.warn(
        `SKIPPED: PostgreSQL is not reachable at ${POSTGRES_URL}; the pg, neon-ws and neon-http tiers are skipped`,
      );
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresUp;
}

export interface TestDatabase {
  database: Database;
  /** The postgres:// URL of the fresh database, or null for PGlite. */
  url: string | null;
  /** Opens another connection to the same database (a second app instance). */
  reopen(): Promise<Database>;
  cleanup(): Promise<void>;
}

export interface DriverCase {
  driver: DriverName;
  open(options?: { recordStatements?: boolean }): Promise<TestDatabase>;
}

let counter = 0;

export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `agentry_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

let relay: Promise<Awaited<ReturnType<typeof startNeonWsRelay>>> | null = null;
let httpEndpoint: Promise<Awaited<ReturnType<typeof startNeonHttpEndpoint>>> | null = null;

/** The drivers that can run here, each opening a fresh, migrated database. */
export async function driverCases(): Promise<DriverCase[]> {
  const cases: DriverCase[] = [
    {
      driver: "pglite",
      open: async (options) => {
        const config = {
          driver: "pglite",
          url: null,
          dataDir: null,
          neon: { wsProxy: null, httpEndpoint: null, insecure: false },
        } as const;
        const database = await openDatabase(config, options);
        await database.migrate();
        return {
          database,
          url: null,
          reopen: () => Promise.reject(new Error("an in-memory PGlite database cannot be opened twice")),
          cleanup: () => database.close(),
        };
      },
    },
  ];
  if (!(await postgresAvailable())) return cases;
  for (const driver of ["pg", "neon-ws", "neon-http"] as const) {
    cases.push({
      driver,
      open: async (options) => {
        const fresh = await freshPostgresDatabase();
        const neon = {
          wsProxy: null as string | null,
          httpEndpoint: null as string | null,
          insecure: driver !== "pg",
        };
        if (driver !== "pg") {
          relay ??= startNeonWsRelay();
          neon.wsProxy = `127.0.0.1:${(await relay).port}/v2`;
        }
        if (driver === "neon-http") {
          httpEndpoint ??= startNeonHttpEndpoint();
          neon.httpEndpoint = (await httpEndpoint).url;
        }
        const config = { driver, url: fresh.url, dataDir: null, neon };
        const database = await openDatabase(config, options);
        await database.migrate();
        const others: Database[] = [];
        return {
          database,
          url: fresh.url,
          reopen: async () => {
            const other = await openDatabase(config, options);
            others.push(other);
            return other;
          },
          cleanup: async () => {
            for (const o of others) await o.close();
            await database.close();
            await fresh.drop();
          },
        };
      },
    });
  }
  return cases;
}
