// Runs in Node before the workerd tests: a fresh database on the local Postgres with the
// example catalog, and the Neon stand-ins in front of it. The Worker under test reaches that
// database exactly as it reaches Neon in production: HTTP for reads, WebSocket for writes.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/catalog/database.js";
import { readDatabaseConfig } from "../../src/config.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import type { ParityAnswer } from "../parity/run.js";
import { freshPostgresDatabase, postgresAvailable } from "../support/databases.js";
import { startNeonHttpEndpoint } from "../support/neon-http-endpoint.js";
import { startNeonWsRelay } from "../support/neon-ws-relay.js";
import { startUpstashRest } from "../support/upstash-rest.js";

const run = promisify(execFile);

declare module "vitest" {
  export interface ProvidedContext {
    workerEnv: Record<string, string> | null;
    /**
     * The same Worker bindings on a database of its own, migrated and empty: for the suites
     * that publish (test/worker/publish.test.ts), so that the parity suite's database keeps
     * exactly the example catalog its Node answers were computed on.
     */
    workerWriteEnv: Record<string, string> | null;
    /** The Node app's answers to the parity operations, on the same database as the Worker's. */
    parityNode: ParityAnswer[] | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!(await postgresAvailable())) {
    project.provide("workerEnv", null);
    project.provide("workerWriteEnv", null);
    project.provide("parityNode", null);
    return async () => {};
  }
  const fresh = await freshPostgresDatabase();
  const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: fresh.url }));
  await database.migrate();
  await loadExamplesIfEmpty(database);
  await database.close();
  project.provide("parityNode", await nodeParityAnswers(fresh.url));
  const relay = await startNeonWsRelay();
  const http = await startNeonHttpEndpoint();
  // The graph cache in the Worker: Upstash's REST protocol over the local Redis.
  const upstash = await startUpstashRest({});
  const writes = await freshPostgresDatabase({ migrated: true });
  const env = {
    DATABASE_URL: fresh.url,
    AGENTRY_DB_DRIVER: "neon-http",
    AGENTRY_NEON_HTTP_ENDPOINT: http.url,
    AGENTRY_NEON_WS_PROXY: `127.0.0.1:${relay.port}/v2`,
    AGENTRY_NEON_INSECURE: "1",
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    AGENTRY_CACHE_PREFIX: `agentry-workerd-${process.pid}-${Date.now()}`,
    // Every test here asks from one address (no CF-Connecting-IP) and the fuzz and parity
    // suites spend millions of points: off, but for test/worker/rate-limit.test.ts.
    AGENTRY_RATE_LIMIT: "off",
  };
  project.provide("workerEnv", env);
  project.provide("workerWriteEnv", {
    ...env,
    DATABASE_URL: writes.url,
    AGENTRY_CACHE_PREFIX: `${env.AGENTRY_CACHE_PREFIX}-writes`,
  });
  return async () => {
    await relay.close();
    await upstash.close();
    await http.close();
    await fresh.drop();
    await writes.drop();
  };
}

/** The Node side of test/parity, in its own Node process (see test/parity/node-answers.ts). */
async function nodeParityAnswers(url: string): Promise<ParityAnswer[]> {
  const script = resolve(import.meta.dirname, "../parity/node-answers.ts");
  const { stdout } = await run(process.execPath, ["--import", "tsx", script, url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ParityAnswer[];
}
