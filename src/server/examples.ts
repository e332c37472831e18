// On first start the embedded database is empty: load examples/ (each top-level folder is a
// source) so that every feature of the API shows something.
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "../catalog/bulk.js";
import type { Database } from "../catalog/database.js";
import { importFiles } from "../catalog/import.js";
import { findDefinitionFiles } from "../cli/files.js";

export const EXAMPLES_DIR = resolve(import.meta.dirname, "../../examples");

export async function loadExamplesIfEmpty(
  database: Database,
  dir = EXAMPLES_DIR,
): Promise<{ sources: number; files: number } | null> {
  const [row] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from sources`));
  if ((row?.n ?? 0) > 0) return null;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let files = 0;
  let sources = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = await findDefinitionFiles([join(dir, entry.name)]);
    const report = await importFiles(
      database,
      found.map((f) => ({ path: f.relativePath, kind: f.kind, text: readFileSync(f.path, "utf8") })),
      { source: entry.name },
    );
    files += report.created.length;
    sources++;
  }
  return { sources, files };
}
