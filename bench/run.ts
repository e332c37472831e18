// npm run bench — Agentry side by side with its floor, its ceiling and a peer, in one run on one
// machine, printed as a Markdown table and written to bench/results/<name>.json.
//
//   npm run bench                     # full: HTTP scenarios on 100,000 agents (≈ 15 min)
//   npm run bench -- --smoke          # a few seconds: small catalog, checks the harness
//   npm run bench -- --size 10000 --import-sizes 1000,10000 --seconds 3 --name quick
//   npm run bench -- --size 100000 --database postgres://…/catalog   # scenarios on a kept catalog
//
// What runs (README, "Benchmarks", says what each figure means):
// - parse: the reader over the synthetic catalog, files/s;
// - import: the synthetic catalog into a fresh PostgreSQL database (node-postgres) and into
//   PGlite, files/s, and the unchanged re-import;
// - HTTP scenarios against separate server processes on the same database: Agentry (cache off,
//   and cache on for cached graphs), the floor (hand-written SQL), the ceiling (bare Yoga) and
//   the peer (PostGraphile v5). Latency percentiles one request at a time; requests per second
//   from autocannon in its own process at 1 and 32 connections; SQL statements per request
//   counted on the wire (a counting proxy, separate pass); response bytes; peak memory.

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase } from "../src/catalog/database.js";
import { type ImportFile, importFiles } from "../src/catalog/import.js";
import { readDatabaseConfig } from "../src/config.js";
import { parseDefinition } from "../src/definitions/index.js";
import { type LatencySample, sampleLatency } from "./harness/latency.js";
import { LoadGenerator, type ServerProcess, startServer } from "./harness/processes.js";
import { type Scenario, SOURCE, scenarios } from "./harness/scenarios.js";
import { startWireCounter, type WireCounter } from "./harness/wire-counter.js";
import { syntheticCatalog } from "./synthetic.js";

const { values: args } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    size: { type: "string" },
    "import-sizes": { type: "string" },
    "pglite-sizes": { type: "string" },
    seconds: { type: "string" },
    name: { type: "string" },
    out: { type: "string" },
    only: { type: "string" },
    "no-peer": { type: "boolean", default: false },
    /** An existing catalog (source "syn" of --size synthetic agents): HTTP scenarios only. */
    database: { type: "string" },
  },
});
const smoke = args.smoke!;
const size = Number(args.size ?? (smoke ? 200 : 100_000));
const sizes = (s: string | undefined, fallback: number[]) => (s ? s.split(",").map(Number) : fallback);
const importSizes = sizes(args["import-sizes"], smoke ? [size] : [1_000, 10_000, 100_000]);
const pgliteSizes = sizes(args["pglite-sizes"], smoke ? [50] : [1_000, 10_000]);
const seconds = Number(args.seconds ?? (smoke ? 0.3 : 5));
const latencyCount = smoke ? 8 : 400;
const name = args.name ?? (smoke ? "smoke" : `${hostname()}-${new Date().toISOString().slice(0, 10)}`);
const adminUrl = process.env.AGENTRY_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);

// ---- figures -----------------------------------------------------------------------------

interface TargetFigures {
  target: string;
  latency: LatencySample;
  rps1: number;
  rps32: number;
  statements: number | null;
  peakMemoryMiB: number | null;
}
interface ScenarioFigures {
  name: string;
  description: string;
  targets: TargetFigures[];
}
interface ImportFigures {
  database: string;
  agents: number;
  filesPerSecond: number;
  seconds: number;
  unchangedFilesPerSecond: number;
  statementsPerFile: number;
  peakRssMiB: number;
}
const results = {
  name,
  date: new Date().toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? "?", cores: cpus().length, postgres: "" },
  smoke,
  size,
  parse: { files: 0, filesPerSecond: 0, mibPerSecond: 0 },
  imports: [] as ImportFigures[],
  scenarios: [] as ScenarioFigures[],
  targets: [] as { target: string; wanted: string; measured: string; met: boolean }[],
};

// ---- databases ---------------------------------------------------------------------------

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
results.machine.postgres = (await admin.query("show server_version")).rows[0].server_version;
const databaseUrl = (db: string) => {
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  return url.toString();
};
const cleanups: (() => Promise<void>)[] = [];
async function freshDatabase(db: string): Promise<string> {
  await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`create database ${db}`);
  return databaseUrl(db);
}

function parseFigures(files: ImportFile[]): void {
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const budget = smoke ? 200 : 3000;
  let parsed = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budget) {
    for (const f of files.slice(0, 2000)) parseDefinition(f.text, { path: f.path, kind: "agent" });
    parsed += Math.min(files.length, 2000);
  }
  const s = (performance.now() - t0) / 1000;
  const perFile = bytes / files.length;
  results.parse = {
    files: parsed,
    filesPerSecond: parsed / s,
    mibPerSecond: (parsed * perFile) / s / 2 ** 20,
  };
  log(`parse: ${Math.round(parsed / s)} files/s`);
}

async function importFigures(label: string, url: string, agents: number): Promise<void> {
  const files = syntheticCatalog({ agents });
  const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: url }), { workload: "batch" });
  try {
    await database.migrate();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 100);
    const before = database.statements;
    const t0 = performance.now();
    const report = await importFiles(database, files, { source: SOURCE });
    const took = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const statements = database.statements - before;
    if (report.created.length !== agents)
      throw new Error(`${label}: created ${report.created.length} of ${agents}`);
    const t1 = performance.now();
    const again = await importFiles(database, files, { source: SOURCE });
    const unchanged = (performance.now() - t1) / 1000;
    if (again.unchanged.length !== agents)
      throw new Error(`${label}: the unchanged re-import changed something`);
    // What autovacuum would do in the minutes after an import, done now so that it does not
    // run during the scenarios: fresh statistics and visibility maps.
    await database.db.execute(sql`vacuum (analyze)`);
    results.imports.push({
      database: label,
      agents,
      filesPerSecond: agents / took,
      seconds: took,
      unchangedFilesPerSecond: agents / unchanged,
      statementsPerFile: statements / agents,
      peakRssMiB: peak / 2 ** 20,
    });
    log(`import ${label} ${agents}: ${Math.round(agents / took)} files/s (${took.toFixed(1)} s)`);
  } finally {
    await database.close();
  }
}

// ---- HTTP --------------------------------------------------------------------------------

type TargetKind = "agentry" | "floor" | "peer" | "ceiling";
const SERVER_FILES: Record<string, string> = {
  "agentry-cached": "bench/servers/agentry.ts",
  "agentry-uncached": "bench/servers/agentry.ts",
  floor: "bench/servers/floor.ts",
  ceiling: "bench/servers/ceiling.ts",
  peer: "bench/peers/postgraphile.ts",
};
function serverEnv(key: string, url: string): Record<string, string> {
  // The benchmark is one caller looping queries: the per-caller limit (decision 0021) would
  // refuse it within seconds, and it measures the work, not the limit.
  const env: Record<string, string> = { DATABASE_URL: url, AGENTRY_EXAMPLES: "0", AGENTRY_RATE_LIMIT: "off" };
  if (key === "agentry-uncached") env.AGENTRY_CACHE = "off";
  return env;
}
function targetsOf(
  s: Scenario,
): { kind: TargetKind; server: string; next: (i: number) => { path: string; body: string } }[] {
  const list: { kind: TargetKind; server: string; next: (i: number) => { path: string; body: string } }[] =
    [];
  if (s.request && s.agentry) list.push({ kind: "agentry", server: `agentry-${s.agentry}`, next: s.request });
  if (s.floor) list.push({ kind: "floor", server: "floor", next: s.floor });
  if (s.peer && !args["no-peer"]) list.push({ kind: "peer", server: "peer", next: s.peer });
  if (s.ceiling) list.push({ kind: "ceiling", server: "ceiling", next: s.ceiling });
  return list;
}

/** The servers of one pass, each started on first use against the pass's database URL. */
class ServerPool {
  private readonly started = new Map<string, ServerProcess>();
  constructor(private readonly url: string) {}

  async get(key: string): Promise<ServerProcess> {
    let server = this.started.get(key);
    if (!server) {
      server = await startServer(key, SERVER_FILES[key]!, serverEnv(key, this.url));
      this.started.set(key, server);
    }
    return server;
  }

  async stopAll(): Promise<void> {
    for (const server of this.started.values()) await server.stop();
  }
}

/** Statements per request of every scenario and target, counted on the wire (one pass). */
async function startCounter(url: string): Promise<{ counter: WireCounter; url: string }> {
  const target = new URL(url);
  const counter = await startWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const counted = new URL(url);
  counted.host = `127.0.0.1:${counter.port}`;
  return { counter, url: counted.toString() };
}

async function countStatements(url: string, list: Scenario[]): Promise<Map<string, number>> {
  const { counter, url: counted } = await startCounter(url);
  const counts = new Map<string, number>();
  const servers = new ServerPool(counted);
  try {
    for (const s of list) {
      for (const t of targetsOf(s)) {
        const server = await servers.get(t.server);
        // Warm up (fills caches and pools), then count a full rotation.
        await sampleLatency(server.url, t.next, { count: 0, warmup: Math.max(s.warmup ?? 0, 2), seconds: 0 });
        const n = Math.min(s.rotation, 16);
        const before = counter.statements;
        await sampleLatency(server.url, (i) => t.next(i + (s.warmup ?? 0)), {
          count: n,
          warmup: 0,
          seconds: 0,
        });
        counts.set(`${s.name}|${t.kind}`, (counter.statements - before) / n);
      }
    }
  } finally {
    await servers.stopAll();
    await counter.close();
  }
  return counts;
}

/**
 * Latency, load and memory of every scenario and target. With `counter` (smoke mode, where
 * timing does not matter), the servers reach the database through it and the statements are
 * counted over the latency requests, which saves the separate counting pass.
 */
async function measureScenarios(
  url: string,
  list: Scenario[],
  counts: Map<string, number>,
  counter: WireCounter | null,
): Promise<void> {
  const servers = new ServerPool(url);
  const load = new LoadGenerator();
  try {
    for (const s of list) {
      const figures: ScenarioFigures = { name: s.name, description: s.description, targets: [] };
      for (const t of targetsOf(s)) {
        const server = await servers.get(t.server);
        server.resetPeak();
        const warmup = Math.max(s.warmup ?? 0, smoke ? 2 : 20);
        // The previous server may still be working off requests its load run left queued.
        await settle(counter);
        await sampleLatency(server.url, t.next, { count: 0, warmup, seconds: 0 });
        const before = counter?.statements ?? 0;
        const latency = await sampleLatency(server.url, (i) => t.next(i + warmup), {
          count: latencyCount,
          warmup: 0,
          seconds,
        });
        if (counter) counts.set(`${s.name}|${t.kind}`, (counter.statements - before) / latency.count);
        const requests = Array.from({ length: s.rotation }, (_, i) => t.next(i));
        const [c1, c32] = await load.run({
          url: server.url,
          connections: [1, 32],
          seconds,
          requests,
        });
        for (const r of [c1!, c32!]) {
          if (r.non2xx > 0 || r.errors > 0)
            throw new Error(
              `${s.name} (${t.kind}, c=${r.connections}): ${r.non2xx} non-2xx, ${r.errors} errors`,
            );
        }
        const peak = server.peakMemory();
        figures.targets.push({
          target: t.kind,
          latency,
          rps1: c1!.rps,
          rps32: c32!.rps,
          statements: counts.get(`${s.name}|${t.kind}`) ?? null,
          peakMemoryMiB: peak === null ? null : peak / 2 ** 20,
        });
        log(
          `${s.name} / ${t.kind}: p50 ${latency.p50.toFixed(2)} ms, ${Math.round(c1!.rps)} / ${Math.round(c32!.rps)} req/s`,
        );
      }
      results.scenarios.push(figures);
    }
  } finally {
    load.stop();
    await servers.stopAll();
  }
}

/** Waits until the database has been idle for a moment (no counter: a fixed pause). */
async function settle(counter: WireCounter | null): Promise<void> {
  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
  if (!counter) return void (await pause(1000));
  let last = -1;
  while (counter.statements !== last) {
    last = counter.statements;
    await pause(200);
  }
}

// ---- targets and report --------------------------------------------------------------------

function figure(scenario: string, target: TargetKind): TargetFigures | undefined {
  return results.scenarios.find((s) => s.name === scenario)?.targets.find((t) => t.target === target);
}

function judgeTargets(): void {
  const add = (target: string, wanted: string, measured: string, met: boolean) =>
    results.targets.push({ target, wanted, measured, met });
  const detail = figure("agent detail", "agentry");
  const peer = figure("agent detail", "peer");
  if (detail && peer)
    add(
      "agent detail vs PostGraphile",
      "≥ 1.0× its req/s (32 connections)",
      `${(detail.rps32 / peer.rps32).toFixed(2)}×`,
      detail.rps32 >= peer.rps32,
    );
  const ceiling = figure("{ __typename }", "ceiling");
  for (const depth of [1, 2, 3]) {
    const cached = figure(`agentGraph depth ${depth}, cached`, "agentry");
    if (cached && ceiling)
      add(
        `cached agentGraph depth ${depth} (${Math.round(cached.latency.bytes / 1024)} KiB) vs Yoga { __typename }`,
        "≥ 0.5× its req/s (32 connections)",
        `${(cached.rps32 / ceiling.rps32).toFixed(2)}×`,
        cached.rps32 >= ceiling.rps32 / 2,
      );
  }
  const uncached = figure("agentGraph depth 3, uncached", "agentry");
  if (uncached)
    add(
      `uncached agentGraph depth 3 p95 (${size.toLocaleString("en")} agents)`,
      "< 50 ms",
      `${uncached.latency.p95.toFixed(1)} ms`,
      uncached.latency.p95 < 50,
    );
  const worst = Math.max(
    ...results.scenarios.flatMap((s) =>
      s.targets.filter((t) => t.target === "agentry").map((t) => t.statements ?? 0),
    ),
  );
  add("SQL statements per request, every scenario", "≤ 4", `at most ${worst}`, worst <= 4);
  const big = results.imports.find((i) => i.database === "PostgreSQL" && i.agents === 100_000);
  if (big) add("import of 100,000 agents", "< 120 s", `${big.seconds.toFixed(0)} s`, big.seconds < 120);
}

function markdown(): string {
  const n = (v: number, digits = 0) =>
    v.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines: string[] = [];
  lines.push(`# Agentry benchmark: ${results.name}`, "");
  lines.push(
    `\`${results.command}\` on ${results.date.slice(0, 16)}Z: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, PostgreSQL ${results.machine.postgres}.`,
  );
  lines.push(
    `HTTP scenarios on a synthetic catalog of ${n(size)} agents; autocannon runs of ${seconds} s.`,
    "",
  );
  lines.push("| parse | files/s | MiB/s |", "| --- | --- | --- |");
  lines.push(
    `| synthetic agents | ${n(results.parse.filesPerSecond)} | ${n(results.parse.mibPerSecond, 1)} |`,
    "",
  );
  lines.push(
    "| import | agents | files/s | time | unchanged re-import files/s | SQL statements per file | peak RSS |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const i of results.imports)
    lines.push(
      `| ${i.database} | ${n(i.agents)} | ${n(i.filesPerSecond)} | ${n(i.seconds, 1)} s | ${n(i.unchangedFilesPerSecond)} | ${n(i.statementsPerFile, 3)} | ${n(i.peakRssMiB)} MiB |`,
    );
  lines.push("");
  lines.push(
    "| scenario | server | p50 ms | p95 ms | p99 ms | req/s c=1 | req/s c=32 | SQL/req | bytes | peak MiB | vs floor (c=32) | vs peer (c=32) |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const s of results.scenarios) {
    const floor = s.targets.find((t) => t.target === "floor");
    const peer = s.targets.find((t) => t.target === "peer");
    for (const t of s.targets) {
      const ratio = (other?: TargetFigures) =>
        t.target === "agentry" && other ? `${(t.rps32 / other.rps32).toFixed(2)}×` : "";
      lines.push(
        `| ${s.name} | ${t.target} | ${n(t.latency.p50, 2)} | ${n(t.latency.p95, 2)} | ${n(t.latency.p99, 2)} | ${n(t.rps1)} | ${n(t.rps32)} | ${t.statements === null ? "" : n(t.statements, 1)} | ${n(t.latency.bytes)} | ${t.peakMemoryMiB === null ? "" : n(t.peakMemoryMiB)} | ${ratio(floor)} | ${ratio(peer)} |`,
      );
    }
  }
  lines.push("", "| target | wanted | measured | met |", "| --- | --- | --- | --- |");
  for (const t of results.targets)
    lines.push(`| ${t.target} | ${t.wanted} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`);
  return `${lines.join("\n")}\n`;
}

// ---- the run -----------------------------------------------------------------------------

try {
  parseFigures(syntheticCatalog({ agents: Math.min(size, 2000) }));
  let httpUrl: string | null = args.database ?? null;
  const toImport = args.database ? [] : [...new Set([...importSizes, size])].sort((a, b) => a - b);
  for (const agents of toImport) {
    const url = await freshDatabase(`agentry_bench_${agents}_${process.pid}`);
    // The HTTP scenarios' database is kept until the end; the others go at once.
    if (agents === size) httpUrl = url;
    else
      cleanups.push(() =>
        admin
          .query(`drop database if exists agentry_bench_${agents}_${process.pid} with (force)`)
          .then(() => {}),
      );
    if (importSizes.includes(agents) || agents === size) await importFigures("PostgreSQL", url, agents);
    if (agents !== size) await cleanups.pop()!();
  }
  if (!args.database) for (const agents of pgliteSizes) await importFigures("PGlite", "memory://", agents);
  // Smoke: one graph depth is enough to check the harness.
  const list = scenarios(size)
    .filter((s) => !args.only || s.name.includes(args.only))
    .filter((s) => !smoke || !/depth [12]/.test(s.name));
  if (smoke) {
    const { counter, url } = await startCounter(httpUrl!);
    await measureScenarios(url, list, new Map(), counter).finally(() => counter.close());
  } else {
    await measureScenarios(httpUrl!, list, await countStatements(httpUrl!, list), null);
  }
  judgeTargets();
  const dir = resolve(args.out ?? resolve(import.meta.dirname, "results"));
  const out = resolve(dir, `${name}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(markdown());
  log(`wrote ${out}`);
} finally {
  await admin
    .query(`drop database if exists agentry_bench_${size}_${process.pid} with (force)`)
    .catch(() => {});
  await admin.end();
}
