// `agentry migrate`, `agentry import`, `agentry export`: the catalog from the command line.

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { SingleBar } from "cli-progress";
import { localActor } from "../auth/api-keys.js";
import { type Database, openDatabase } from "../catalog/database.js";
import { DataDirLockedError } from "../catalog/drivers/data-dir-lock.js";
import { DataDirUnreadableError } from "../catalog/drivers/pglite.js";
import { exportSource, SourceNotFoundError } from "../catalog/export.js";
import { type ImportFile, importFiles } from "../catalog/import.js";
import { readDatabaseConfig } from "../config.js";
import { describeDatabaseFailure, isDatabaseError } from "./database-errors.js";
import { type FoundFile, findDefinitionFiles, readText, UsageError } from "./files.js";
import { holdingServer, importThroughServer } from "./import-through-server.js";
import type { Output } from "./validate.js";

export interface DatabaseFlags {
  databaseUrl?: string;
}

/**
 * For commands that only read (export, doctor): an embedded catalog that was never created is
 * said so at once, instead of creating and migrating an empty one first (seconds of initdb).
 */
export function requireExistingCatalog(flags: DatabaseFlags, what: string): void {
  const env = { ...process.env, ...(flags.databaseUrl ? { DATABASE_URL: flags.databaseUrl } : {}) };
  const config = readDatabaseConfig(env);
  if (config.driver === "pglite" && config.dataDir && !existsSync(join(config.dataDir, "PG_VERSION"))) {
    throw new SourceNotFoundError(
      what,
      `there is no catalog in ${config.dataDir} yet: import a folder first`,
    );
  }
}

/** Opens the configured database (DATABASE_URL and friends, or --database-url) and migrates it. */
export async function openMigrated(flags: DatabaseFlags): Promise<Database> {
  const env = { ...process.env, ...(flags.databaseUrl ? { DATABASE_URL: flags.databaseUrl } : {}) };
  const config = readDatabaseConfig(env);
  let database: Database;
  try {
    // The CLI's work is batch work (an import's catch-up statements run outside transactions):
    // the server's 5 s statement timeout for reads would cut it.
    database = await openDatabase(config, { workload: "batch" });
  } catch (e) {
    // The embedded folder's own errors already say what is wrong and what to do.
    if (e instanceof DataDirLockedError || e instanceof DataDirUnreadableError) throw e;
    throw describeDatabaseFailure(e, config, "open");
  }
  try {
    await database.migrate();
  } catch (e) {
    await database.close().catch(() => {});
    throw describeDatabaseFailure(e, config, "migrate");
  }
  return database;
}

/** Runs a command's work on the database, saying what failed and why if the database does. */
export async function withDatabase<T>(
  flags: DatabaseFlags,
  doing: string,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const database = await openMigrated(flags);
  try {
    return await work(database);
  } catch (e) {
    if (isDatabaseError(e)) {
      const env = { ...process.env, ...(flags.databaseUrl ? { DATABASE_URL: flags.databaseUrl } : {}) };
      throw describeDatabaseFailure(e, readDatabaseConfig(env), doing);
    }
    throw e;
  } finally {
    await database.close().catch(() => {});
  }
}

export async function migrateCommand(flags: DatabaseFlags, io: Output): Promise<number> {
  const driver = await withDatabase(flags, "migrate", async (database) => database.driver);
  io.err(`agentry: ${driver} database is up to date`);
  return 0;
}

export interface ImportFlags extends DatabaseFlags {
  source: string;
  prune?: boolean;
  json?: boolean;
  batchSize?: number;
  /** Sets the source's visibility with the import (absent: kept; a new source is public). */
  visibility?: "public" | "private";
  /** Globs of files to read besides Claude Code's layouts in a repository (`--include`). */
  include?: string[];
}

export async function importCommand(
  paths: readonly string[],
  flags: ImportFlags,
  io: Output,
): Promise<number> {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(flags.source)) {
    throw new UsageError(`--source "${flags.source}": use letters, digits, dots, dashes and underscores`);
  }
  const found = await findDefinitionFiles(paths, { include: flags.include ?? [] });
  // The database first: a catalog another process holds is refused before reading any file,
  // unless that process is a server that left the way in (./import-through-server.ts).
  try {
    return await importHere(found, flags, io);
  } catch (e) {
    const server = e instanceof DataDirLockedError ? holdingServer(e.dataDir, e.holder) : null;
    if (!server) throw e;
    return importThroughServer(
      server,
      found,
      {
        source: flags.source,
        prune: flags.prune ?? false,
        json: flags.json ?? false,
        ...(flags.visibility ? { visibility: flags.visibility } : {}),
      },
      io,
    );
  }
}

async function importHere(found: readonly FoundFile[], flags: ImportFlags, io: Output): Promise<number> {
  return withDatabase(flags, "import into", async (database) => {
    const files: ImportFile[] = [];
    for (const f of found) {
      const { text, validUtf8 } = await readText(f.path);
      files.push({
        path: f.relativePath,
        text,
        kind: f.kind,
        ...(validUtf8 ? {} : { invalidEncoding: true }),
      });
    }
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
        ...(flags.visibility ? { visibility: { visibility: flags.visibility, actor: localActor() } } : {}),
        onProgress: (done) => bar?.update(done),
      });
      bar?.stop();
      const seconds = (performance.now() - started) / 1000;
      if (flags.json) {
        io.out(JSON.stringify(report));
      } else {
        for (const f of [...report.failed, ...report.conflicts]) {
          for (const d of f.diagnostics)
            io.out(`${f.path}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
        }
        const conflicts =
          report.conflicts.length > 0
            ? `, ${report.conflicts.length} stored in name conflicts (the first path answers each name)`
            : "";
        io.err(
          `agentry: source "${report.source}": ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.deleted.length} deleted, ${report.failed.length} failed${conflicts} (${files.length} files in ${seconds.toFixed(2)} s, generation ${report.generation})`,
        );
      }
      // A name conflict is an error in the files, but nothing was lost: every file of one is
      // stored. Only a file that could not be read (and so was not stored) fails the import.
      return report.failed.length > 0 ? 1 : 0;
    } finally {
      bar?.stop();
    }
  });
}

export interface ExportFlags extends DatabaseFlags {
  source: string;
  out: string;
}

export async function exportCommand(flags: ExportFlags, io: Output): Promise<number> {
  requireExistingCatalog(flags, flags.source);
  return withDatabase(flags, "export from", async (database) => {
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
  });
}
