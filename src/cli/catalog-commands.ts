// `agentry migrate`, `agentry import`, `agentry export`: the catalog from the command line.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { SingleBar } from "cli-progress";
import { type Database, openDatabase } from "../catalog/database.js";
import { exportSource } from "../catalog/export.js";
import { type ImportFile, importFiles } from "../catalog/import.js";
import { readDatabaseConfig } from "../config.js";
import { findDefinitionFiles, readText, UsageError } from "./files.js";
import type { Output } from "./validate.js";

export interface DatabaseFlags {
  databaseUrl?: string;
}

/** Opens the configured database (DATABASE_URL and friends, or --database-url) and migrates it. */
export async function openMigrated(flags: DatabaseFlags): Promise<Database> {
  const env = { ...process.env, ...(flags.databaseUrl ? { DATABASE_URL: flags.databaseUrl } : {}) };
  const database = await openDatabase(readDatabaseConfig(env));
  try {
    await database.migrate();
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

export async function migrateCommand(flags: DatabaseFlags, io: Output): Promise<number> {
  const database = await openMigrated(flags);
  await database.close();
  io.err(`agentry: ${database.driver} database is up to date`);
  return 0;
}

export interface ImportFlags extends DatabaseFlags {
  source: string;
  prune?: boolean;
  json?: boolean;
  batchSize?: number;
}

export async function importCommand(
  paths: readonly string[],
  flags: ImportFlags,
  io: Output,
): Promise<number> {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(flags.source)) {
    throw new UsageError(`--source "${flags.source}": use letters, digits, dots, dashes and underscores`);
  }
  const found = await findDefinitionFiles(paths);
  const files: ImportFile[] = [];
  for (const f of found) {
    const { text, validUtf8 } = await readText(f.path);
    files.push({ path: f.relativePath, text, kind: f.kind, ...(validUtf8 ? {} : { invalidEncoding: true }) });
  }
  const database = await openMigrated(flags);
  // A bar only where someone watches it, and only when there is something to wait for.
  const bar =
    process.stderr.isTTY && !flags.json && files.length >= 100
      ? new SingleBar({
          stream: process.stderr,
          format: "importing [{bar}] {value}/{total} files",
          hideCursor: true,
          clearOnComplete: true,
        })
      : null;
  bar?.start(files.length, 0);
  const started = performance.now();
  try {
    const report = await importFiles(database, files, {
      source: flags.source,
      prune: flags.prune ?? false,
      ...(flags.batchSize ? { batchSize: flags.batchSize } : {}),
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    if (flags.json) {
      io.out(JSON.stringify(report));
    } else {
      for (const f of report.failed) {
        for (const d of f.diagnostics) io.out(`${f.path}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
      }
      io.err(
        `agentry: source "${report.source}": ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.deleted.length} deleted, ${report.failed.length} failed (${files.length} files in ${seconds.toFixed(2)} s, generation ${report.generation})`,
      );
    }
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    bar?.stop();
    await database.close();
  }
}

export interface ExportFlags extends DatabaseFlags {
  source: string;
  out: string;
}

export async function exportCommand(flags: ExportFlags, io: Output): Promise<number> {
  const database = await openMigrated(flags);
  try {
    const files = await exportSource(database.db, flags.source);
    const root = resolve(flags.out);
    for (const f of files) {
      const target = resolve(root, f.path);
      // Stored paths come from imports, but a database is input too: never write outside --out.
      if (!target.startsWith(root + sep))
        throw new UsageError(`refusing to write ${f.path}: it leads outside ${flags.out}`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.content, "utf8");
    }
    io.err(`agentry: wrote ${files.length} files of source "${flags.source}" to ${flags.out}`);
    return 0;
  } finally {
    await database.close();
  }
}
