// The Node side of the parity suite, in a Node process of its own (as `npm start` runs: tsx,
// no test runner's module graph): the app exactly as src/node.ts builds it (graphql-jit, the
// in-memory graph cache) on the database named by argv[2], its normalized answers as JSON on
// stdout. test/worker/global-setup.ts runs it and hands the answers to the workerd tests.
import { openDatabase } from "../../src/catalog/database.js";
import { readDatabaseConfig } from "../../src/config.js";
import { createNodeApp } from "../../src/node.js";
import { type Post, runParity } from "./run.js";

const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: process.argv[2] }));
// Limits per caller off, as on the Worker side (test/worker/global-setup.ts): 57 operations
// twice from one caller pass the default 500,000 points a minute (decision 0021).
const app = createNodeApp(database, { AGENTRY_RATE_LIMIT: "off" }, { info: () => {}, error: () => {} });
const post: Post = async (body) => {
  const response = await app.fetch(
    new Request("http://agentry.node/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, body: await response.json() };
};
const answers = await runParity(post);
await database.close();
process.stdout.write(JSON.stringify(answers));
