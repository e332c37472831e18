// npm run bench:import — imports the corpus into the local Postgres (node-postgres) and into
// in-memory PGlite, and prints files per second for a first import (cold: first in the process;
// warm: the same files into a second source, JIT warmed up) and for an unchanged re-import (the
// median of 31: one takes about 12 ms, so a single run was mostly noise, 11-18 ms).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import pg from "pg";
import { openDatabase } from "../src/catalog/database.js";
import { type ImportFile, importFiles } from "../src/catalog/import.js";
import { findDefinitionFiles } from "../src/cli/files.js";
import { readDatabaseConfig } from "../src/config.js";

const dir = resolve(process.argv[2] ?? resolve(import.meta.dirname, "../../shared/corpus/wshobson-agents"));
const postgresUrl = process.env.AGENTRY_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const files: ImportFile[] = (await findDefinitionFiles([dir])).map((f) => ({
  path: f.relativePath,
  kind: f.kind,
  text: readFileSync(f.path, "utf8"),
}));

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
}

const rate = (ms: number) => `${Math.round(files.length / (ms / 1000))} files/s (${ms.toFixed(0)} ms)`;

async function run(label: string, url: string): Promise<void> {
  const database = await openDatabase(readDatabaseConfig({ DATABASE_URL: url }), { workload: "batch" });
  await database.migrate();
  const [, cold] = await time(() => importFiles(database, files, { source: "cold" }));
  const [, warm] = await time(() => importFiles(database, files, { source: "warm" }));
  const agains: number[] = [];
  for (let i = 0; i < 31; i++) {
    const [report, ms] = await time(() => importFiles(database, files, { source: "warm" }));
    if (report.unchanged.length !== files.length) throw new Error("the re-import changed something");
    agains.push(ms);
  }
  const again = agains.sort((a, b) => a - b)[15]!;
  console.log(`| ${label} | ${rate(cold)} | ${rate(warm)} | ${rate(again)} |`);
  await database.close();
}

console.log(`corpus: ${dir} (${files.length} files); node ${process.version}`);
console.log("| database | first import, cold | first import, warm | unchanged re-import |");
console.log("| --- | --- | --- | --- |");
const admin = new pg.Client({ connectionString: postgresUrl });
await admin.connect();
const name = `agentry_bench_${process.pid}`;
await admin.query(`drop database if exists ${name}`);
await admin.query(`create database ${name}`);
try {
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  await run("PostgreSQL 15 (node-postgres)", url.toString());
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
await run("PGlite (in memory)", "memory://");
