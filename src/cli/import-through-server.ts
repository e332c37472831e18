// `agentry import` into an embedded catalog that a running server holds (issue 16 point 1):
// PGlite lets one process open a data folder, so the import goes through that server, with
// the local admin token it left beside its lock (src/auth/local-admin-file.ts), as one publish
// (or a staging committed once): the server's readers see all of it or none of it, and it is
// in the audit trail. Only when the file is the lock holder's: a stale one is ignored.

import { readLocalAdminFile } from "../auth/local-admin-file.js";
import type { LockHolder } from "../catalog/drivers/data-dir-lock.js";
import type { FoundFile } from "./files.js";
import { type PushReport, sendFiles } from "./push-command.js";
import { localFilesOf, remoteOf } from "./remote.js";
import type { Output } from "./validate.js";

/** The server to import through: the folder's holder when it left a local admin file. */
export function holdingServer(dataDir: string, holder: LockHolder | null) {
  const local = readLocalAdminFile(dataDir);
  if (!local || !holder || local.pid !== holder.pid) return null;
  return local;
}

export async function importThroughServer(
  server: { url: string; token: string; pid: number },
  found: readonly FoundFile[],
  options: { source: string; prune: boolean; json: boolean; visibility?: "public" | "private" },
  io: Output,
): Promise<number> {
  const started = performance.now();
  const files = await localFilesOf(found);
  const remote = remoteOf(server.url, server.token);
  const report: PushReport = await sendFiles(remote, options.source, files, {
    prune: options.prune,
    ifGeneration: null,
    json: options.json,
    ...(options.visibility ? { visibility: options.visibility } : {}),
  });
  if (options.json) {
    io.out(JSON.stringify({ ...report, source: options.source, through: server.url }));
  } else {
    for (const f of [...report.failed, ...report.conflicts])
      for (const d of f.diagnostics)
        io.out(`${f.path}:${d.line}:${d.column}: ${"severity" in d ? d.severity : "error"}: ${d.message}`);
    const seconds = (performance.now() - started) / 1000;
    const conflicts =
      report.conflicts.length > 0
        ? `, ${report.conflicts.length} stored in name conflicts (the first path answers each name)`
        : "";
    io.err(
      `agentry: source "${options.source}": ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.deleted.length} deleted, ${report.failed.length} failed${conflicts} (${files.length} files in ${seconds.toFixed(2)} s, generation ${report.generation}), through the server that holds the catalog (process ${server.pid}, ${server.url})`,
    );
  }
  return report.failed.length > 0 ? 1 : 0;
}
