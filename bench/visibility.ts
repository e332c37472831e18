// npx tsx bench/visibility.ts — what the private-source filter costs a read (decision 0029):
// the corpus in a fresh local PostgreSQL database, then three reads alternated 400 times with
// a view of every source (an admin: no filter) and the public view (anonymous callers: the
// visible sources' ids as an InitPlan), mean milliseconds per read and their ratio.
import { readFileSync } from "node:fs";
import pg from "pg";
import { openDatabase } from "../src/catalog/database.js";
import { type ImportFile, importFiles } from "../src/catalog/import.js";
import { getAgentsByRefs, listAgents } from "../src/catalog/reads/index.js";
import { EVERY_SOURCE, PUBLIC_SOURCES } from "../src/catalog/reads/visibility.js";
import { findDefinitionFiles } from "../src/cli/files.js";
import { readDatabaseConfig } from "../src/config.js";

const files: ImportFile[] = (await findDefinitionFiles(["/work/shared/corpus/wshobson-agents"])).map((f) => ({
  path: f.relativePath,
  kind: f.kind,
  text: readFileSync(f.path, "utf8"),
}));
const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
await admin.connect();
const name = `agentry_view_${process.pid}`;
await admin.query(`create database ${name}`);
try {
  const database = await openDatabase(
    readDatabaseConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}` }),
    { workload: "batch" },
  );
  await database.migrate();
  await importFiles(database, files, { source: "corpus" });
  const ops = {
    page: (v: typeof EVERY_SOURCE) => listAgents(database.db, v, { first: 50, filter: { tool: "Read" } }),
    search: (v: typeof EVERY_SOURCE) =>
      listAgents(database.db, v, { first: 20, filter: { text: "security" }, orderBy: "RELEVANCE" }),
    refs: (v: typeof EVERY_SOURCE) =>
      getAgentsByRefs(database.db, v, ["corpus/backend-architect", "corpus/code-reviewer"]),
  };
  for (const [op, fn] of Object.entries(ops)) {
    const t = { all: 0, pub: 0 };
    for (let i = 0; i < 50; i++) {
      await fn(EVERY_SOURCE);
      await fn(PUBLIC_SOURCES);
    }
    for (let i = 0; i < 400; i++) {
      let t0 = performance.now();
      await fn(EVERY_SOURCE);
      t.all += performance.now() - t0;
      t0 = performance.now();
      await fn(PUBLIC_SOURCES);
      t.pub += performance.now() - t0;
    }
    console.log(
      `${op}: every source ${(t.all / 400).toFixed(3)} ms, public view ${(t.pub / 400).toFixed(3)} ms, ratio ${(t.pub / t.all).toFixed(3)}`,
    );
  }
  await database.close();
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
