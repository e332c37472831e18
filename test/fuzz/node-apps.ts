// The Node side of the fuzzer: the example catalog in an in-memory PGlite, served by the app
// as `npm start` builds it (graphql-jit) and by the plain graphql-js app, each with a logger of
// its own so that what a request logged as unexpected is counted against it.

import { createGraphCache } from "../../src/cache/index.js";
import { type Database, openDatabase } from "../../src/catalog/database.js";
import { readCacheConfig } from "../../src/config.js";
import { type App, createApp } from "../../src/server/app.js";
import { loadExamplesIfEmpty } from "../../src/server/examples.js";
import { jitPlugin } from "../../src/server/jit.js";
import { type CapturedLogger, captureLogger, testApp } from "../support/app.js";
import { type FuzzCase, generateCases } from "./generate.js";
import { type Answer, bodyText, type Report, runCases } from "./judge.js";

export interface FuzzTarget {
  name: string;
  send(c: FuzzCase): Promise<Answer>;
}

export async function exampleCatalog(): Promise<Database> {
  const database = await openDatabase({
    driver: "pglite",
    url: null,
    dataDir: null,
    neon: { wsProxy: null, httpEndpoint: null, insecure: false },
  });
  await database.migrate();
  await loadExamplesIfEmpty(database);
  return database;
}

/** Sends a case to an app through its fetch, with the error lines it logged meanwhile. */
export function appTarget(name: string, app: App, logger: CapturedLogger): FuzzTarget {
  return {
    name,
    async send(c) {
      const before = logger.lines.length;
      const response = await app.fetch(
        new Request("http://agentry.test/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
          body: bodyText(c),
        }),
      );
      const logged = logger.lines.slice(before).filter((l) => l.level === "error");
      return { status: response.status, body: await parsed(response), logged };
    },
  };
}

/** Sends a case to a running server (`wrangler dev`, `npm start`). */
export function urlTarget(url: string): FuzzTarget {
  return {
    name: url,
    async send(c) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: bodyText(c),
      });
      return { status: response.status, body: await parsed(response) };
    },
  };
}

export async function parsed(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The Node apps over one database: graphql-jit as the API tests build it (testApp), graphql-js
 * alone, and graphql-jit with the in-memory graph cache in front as `npm start` runs it (the
 * cache reads agentGraph requests before Yoga does).
 */
export function nodeTargets(database: Database): { jit: FuzzTarget; plain: FuzzTarget; served: FuzzTarget } {
  const jitLogger = captureLogger();
  const plainLogger = captureLogger();
  const servedLogger = captureLogger();
  const graphCache = createGraphCache(readCacheConfig({}), servedLogger.error);
  return {
    jit: appTarget("node (graphql-jit)", testApp(database, jitLogger), jitLogger),
    plain: appTarget("node (graphql-js)", createApp({ database, logger: plainLogger }), plainLogger),
    served: appTarget(
      "node (graphql-jit and the graph cache, as npm start)",
      createApp({ database, logger: servedLogger, graphCache, plugins: [jitPlugin()] }),
      servedLogger,
    ),
  };
}

/**
 * graphql-jit writes "Scalar with variable inputs detected…" to console.error for every literal
 * of a scalar whose parseLiteral takes variables (`_Any`): thousands of lines in a fuzz run.
 * Silenced while fuzzing (counted, not hidden: the count is returned).
 */
export function quietJitWarnings(): { restore(): number } {
  const original = console.error;
  let silenced = 0;
  console.error = (...args: unknown[]) => {
    if (String(args[0]).startsWith("Scalar with variable inputs detected")) silenced++;
    else original(...args);
  };
  return {
    restore() {
      console.error = original;
      return silenced;
    },
  };
}

export async function fuzz(target: FuzzTarget, cases: FuzzCase[], seed: number): Promise<Report> {
  const quiet = quietJitWarnings();
  try {
    return await runCases(cases, (c) => target.send(c), seed);
  } finally {
    quiet.restore();
  }
}

export { generateCases };
