// npm run bench:graph — agentGraph depth 3 on a synthetic catalog of 10,000 agents in the
// local PostgreSQL: uncached, cached in memory, and cached in Redis through the Upstash REST
// stand-in. Prints median and p95 per request (in-process, through the app's fetch).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import pg from "pg";
import { GraphCache, MemoryStore, UpstashStore } from "../src/cache/index.js";
import { openDatabase } from "../src/catalog/database.js";
import { importFiles } from "../src/catalog/import.js";
import { readDatabaseConfig } from "../src/config.js";
import { createApp } from "../src/server/app.js";

import { agentName, syntheticCatalog } from "./synthetic.js";

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const admin = process.env.AGENTRY_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const silent = { info() {}, error() {} };

const name = `agentry_bench_graph_${process.pid}`;
const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`create database ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: url.toString() }));
try {
  await database.migrate();
  const t0 = performance.now();
  const report = await importFiles(database, syntheticCatalog({ agents: AGENTS }), { source: "syn" });
  console.log(
    `imported ${report.created.length} agents in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await database.db.execute("analyze");

  const query = `query ($roots: [String!]!) { agentGraph(roots: $roots, depth: 3) { ... on AgentGraph {
    truncated nodes { depth agent { name } } edges { kind from { ... on Agent { name } } to { ... on Agent { name } } } } } }`;
  const roots = (i: number) => [`syn/${agentName((i * 7919) % AGENTS)}`];
  async function measure(label: string, graphCache: GraphCache | null, warm: boolean) {
    const app = createApp({ database, logger: silent, graphCache });
    const times: number[] = [];
    let nodes = 0;
    for (let i = 0; i < RUNS; i++) {
      const variables = { roots: roots(i % 10) };
      if (warm && i < 10) await run(app, variables);
      const t = performance.now();
      const body = await run(app, variables);
      times.push(performance.now() - t);
      nodes += body.data.agentGraph.nodes.length;
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(
      `| ${label} | ${p(0.5).toFixed(2)} ms | ${p(0.95).toFixed(2)} ms | ${Math.round(nodes / RUNS)} |`,
    );
    return p(0.5);
  }
  async function run(app: ReturnType<typeof createApp>, variables: Record<string, unknown>) {
    const r = await app.fetch(
      new Request("http://bench/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      }),
    );
    const body = (await r.json()) as any;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body;
  }

  console.log(`agentGraph depth 3, ${AGENTS} agents, ${RUNS} requests each, node ${process.version}`);
  console.log("| mode | median | p95 | nodes per graph |");
  console.log("| --- | --- | --- | --- |");
  const uncached = await measure("uncached (PostgreSQL, node-postgres)", null, false);
  const memory = await measure(
    "cached, in memory",
    new GraphCache(new MemoryStore(256 * 1024 * 1024), 3600, `bench-${process.pid}`),
    true,
  );
  // The stand-in runs in a process of its own, as Upstash runs on servers of its own: in this
  // process its JSON and Redis work would queue behind the app's on one event loop.
  const standin = spawn(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "../scripts/upstash-standin.ts")],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const rest = await new Promise<{ url: string; token: string }>((done) => {
    standin.stdout!.once("data", (chunk: Buffer) => done(JSON.parse(chunk.toString())));
  });
  const redis = await measure(
    "cached, Redis via the Upstash REST stand-in",
    new GraphCache(new UpstashStore({ url: rest.url, token: rest.token }), 3600, `bench-${process.pid}`),
    true,
  );
  standin.kill("SIGTERM");
  console.log(
    `cached/uncached median: memory ${(memory / uncached).toFixed(3)}, Redis ${(redis / uncached).toFixed(3)} (target ≤ 0.1)`,
  );
} finally {
  await database.close();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
}
