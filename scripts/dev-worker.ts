// npm run dev:worker — the Worker locally (`wrangler dev --local`) against the local Postgres,
// through the local Neon stand-ins (a WebSocket relay and an HTTP SQL endpoint, both
// forwarding to that real server). Creates and fills the database `agentry_dev` on first run.
import { spawn } from "node:child_process";
import pg from "pg";
import { openDatabase } from "../src/catalog/database.js";
import { readDatabaseConfig } from "../src/config.js";
import { loadExamplesIfEmpty } from "../src/server/examples.js";
import { startNeonHttpEndpoint } from "../test/support/neon-http-endpoint.js";
import { startNeonWsRelay } from "../test/support/neon-ws-relay.js";

const admin = process.env.AGENTRY_DEV_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const port = process.env.PORT ?? "8787";
const url = new URL(admin);
url.pathname = "/agentry_dev";
const databaseUrl = process.env.DATABASE_URL ?? url.toString();

if (!process.env.DATABASE_URL) {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const exists = await client.query("select 1 from pg_database where datname = 'agentry_dev'");
  if (exists.rowCount === 0) await client.query("create database agentry_dev");
  await client.end();
}
const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: databaseUrl }));
await database.migrate();
const loaded = await loadExamplesIfEmpty(database);
await database.close();
if (loaded) console.log(`loaded the example catalog into ${databaseUrl}`);

const relay = await startNeonWsRelay();
const http = await startNeonHttpEndpoint();
console.log(`Neon stand-ins: WebSocket relay ${relay.url}, HTTP endpoint ${http.url}`);

const child = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    port,
    "--var",
    `DATABASE_URL:${databaseUrl}`,
    "--var",
    `AGENTRY_NEON_HTTP_ENDPOINT:${http.url}`,
    "--var",
    `AGENTRY_NEON_WS_PROXY:127.0.0.1:${relay.port}/v2`,
    "--var",
    "AGENTRY_NEON_INSECURE:1",
  ],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? "/tmp/agentry-wrangler",
    },
  },
);
const stop = async () => {
  child.kill("SIGTERM");
  await relay.close();
  await http.close();
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
child.once("exit", async (code) => {
  await relay.close().catch(() => {});
  await http.close().catch(() => {});
  process.exit(code ?? 0);
});
