// `--load` of bench:cost and bench:abuse: the database at `url` dropped and made again, then
// filled with `agents` synthetic agents (source "syn") and analyzed, as the scenarios expect.
import pg from "pg";
import { openDatabase } from "../../src/catalog/database.js";
import { importFiles } from "../../src/catalog/import.js";
import { readDatabaseConfig } from "../../src/config.js";
import { syntheticCatalog } from "../synthetic.js";

export async function loadSyntheticCatalog(url: string, agents: number): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(target), { pathname: "/postgres" }).href,
  });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  // Batch work: the server's 5 s read timeout would cut the import's catch-up statements.
  const loading = await openDatabase(readDatabaseConfig({ DATABASE_URL: url }), { workload: "batch" });
  try {
    await loading.migrate();
    const t0 = performance.now();
    const report = await importFiles(loading, syntheticCatalog({ agents }), { source: "syn" });
    await loading.db.execute("vacuum (analyze)");
    const seconds = ((performance.now() - t0) / 1000).toFixed(0);
    process.stderr.write(`loaded ${report.created.length} agents in ${seconds} s\n`);
  } finally {
    await loading.close();
  }
}
