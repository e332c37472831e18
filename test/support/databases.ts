// Every storage test runs on each driver we ship: embedded PGlite always; node-postgres, Neon
// WebSocket and Neon HTTP against the local Postgres (the Neon ones through the local stand-ins
// in this folder, which forward to that same server). Without Postgres those tiers are skipped
// with a visible message; when AGENTRY_REQUIRE_SERVICES or CI is set, a missing server fails.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import { DEFAULT_MIGRATIONS } from "../../src/catalog/drivers/migrations.js";
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

// Every test database starts migrated from a template, migrated once: initdb and the migrations
// took 2.5-4 s per PGlite database and about 1 s per PostgreSQL database on this machine (CI
// opens hundreds); a PGlite dump loads in 0.7 s, a template database copies in about 0.2 s.
// `migrate()` still runs on each copy (a no-op that checks the template is current). Tests of
// the migrations themselves open empty databases (freshPostgresDatabase, openDatabase).

/** The migrations folder's contents, hashed: a changed migration makes a new template. */
function migrationsHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(DEFAULT_MIGRATIONS);
  return hash.digest("hex").slice(0, 12);
}

let pgliteDump: Promise<Blob> | null = null;

/**
 * A dump of a migrated in-memory PGlite, made once per run and kept in the temporary folder
 * by the migrations' hash (vitest imports this module afresh in every test file: made per file,
 * it cost 2.5-4 s in each of some 40 files). Written under another name and renamed, so a
 * reader never sees half a file.
 */
function migratedPgliteDump(): Promise<Blob> {
  pgliteDump ??= (async () => {
    // By PGlite's package too: a dump is read by the build that wrote it.
    const pglite = readFileSync(
      join(DEFAULT_MIGRATIONS, "../node_modules/@electric-sql/pglite/package.json"),
    );
    const build = createHash("sha256").update(pglite).digest("hex").slice(0, 8);
    const path = join(tmpdir(), `agentry-test-pglite-${migrationsHash()}-${build}.tar`);
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const database = await openDatabase(PGLITE_IN_MEMORY);
    try {
      await database.migrate();
      const client = (database.db as unknown as { $client: PGlite }).$client;
      const dump = await client.dumpDataDir("none");
      const partial = `${path}.${process.pid}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, path);
      return dump;
    } finally {
      await database.close();
    }
  })();
  return pgliteDump;
}

const PGLITE_IN_MEMORY = {
  driver: "pglite",
  url: null,
  dataDir: null,
  neon: { wsProxy: null, httpEndpoint: null, insecure: false },
} as const;

let postgresTemplate: Promise<string> | null = null;

/**
 * The migrated template database of this migrations folder, made by the first test process
 * that needs it (the others wait on an advisory lock) and renamed into place once complete, so
 * a process killed mid-way leaves no half-migrated template. Templates of other migrations are
 * dropped.
 */
function migratedPostgresTemplate(): Promise<string> {
  postgresTemplate ??= (async () => {
    const name = `agentry_tpl_${migrationsHash()}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query("select pg_advisory_lock(hashtext('agentry test template'))");
      const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
      if (exists.rowCount === 0) {
        const stale = await admin.query<{ datname: string }>(
          "select datname from pg_database where datname like 'agentry\\_tpl\\_%' or datname like 'agentry\\_tplnew\\_%'",
        );
        for (const { datname } of stale.rows)
          await admin.query(`drop database if exists ${datname} with (force)`);
        const building = `agentry_tplnew_${process.pid}`;
        await admin.query(`create database ${building}`);
        const url = new URL(POSTGRES_URL);
        url.pathname = `/${building}`;
        const database = await openDatabase({ ...PGLITE_IN_MEMORY, driver: "pg", url: url.toString() });
        try {
          await database.migrate();
        } finally {
          await database.close();
        }
        await admin.query(`alter database ${building} rename to ${name}`);
      }
      return name;
    } finally {
      await admin.query("select pg_advisory_unlock(hashtext('agentry test template'))").catch(() => {});
      await admin.end();
    }
  })();
  return postgresTemplate;
}

/** A new, empty database on the local Postgres (`migrated`: a copy of the migrated template). */
export async function freshPostgresDatabase(
  options: { migrated?: boolean } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `agentry_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const template = options.migrated ? await migratedPostgresTemplate() : null;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
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
        const database = await openDatabase(PGLITE_IN_MEMORY, {
          ...options,
          pgliteDump: await migratedPgliteDump(),
        });
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
        const fresh = await freshPostgresDatabase({ migrated: true });
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

/**
 * The two database engines, embedded PGlite and the PostgreSQL server (through node-postgres):
 * for tests of what SQL answers. The Neon drivers send that same SQL to that same server; what
 * differs with them (transport, transactions over HTTP, pools per request) is tested on every
 * driver by the import, read and API suites, so running these again on them doubled their
 * time and tested nothing new.
 */
export async function engineCases(): Promise<DriverCase[]> {
  return (await driverCases()).filter((c) => c.driver === "pglite" || c.driver === "pg");
}
