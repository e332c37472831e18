// `agentry audit [--source <name>] [--limit <n>] [--before <id>] [--json]`: the audit trail
// (issue 16 point 5, docs/decisions/0024), newest first, read from the database the other
// catalog commands use, as `auditEvents` answers it to admins over the API.
import type { Command } from "commander";
import { SOURCE_NAME } from "../auth/scopes.js";
import { type AuditEvent, listAuditEvents } from "../catalog/audit.js";
import { type DatabaseFlags, withDatabase } from "./catalog-commands.js";
import { UsageError } from "./files.js";
import type { Output } from "./validate.js";

export interface AuditFlags extends DatabaseFlags {
  source?: string;
  limit?: string;
  before?: string;
  json?: boolean;
}

function whole(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${value.slice(0, 40)}"`);
  return n;
}

export async function auditCommand(flags: AuditFlags, io: Output): Promise<number> {
  if (flags.source !== undefined && !SOURCE_NAME.test(flags.source))
    throw new UsageError(
      `--source "${flags.source.slice(0, 60)}": use letters, digits, dots, dashes and underscores`,
    );
  const first = flags.limit === undefined ? 50 : whole("--limit", flags.limit, 10_000);
  const before = flags.before === undefined ? null : whole("--before", flags.before, Number.MAX_SAFE_INTEGER);
  return withDatabase(flags, "read the audit trail of", async (database) => {
    const { events, hasNextPage } = await listAuditEvents(database.db, {
      first,
      afterId: before,
      source: flags.source ?? null,
    });
    if (flags.json) {
      for (const e of events) io.out(JSON.stringify({ ...e, at: e.at.toISOString() }));
      return 0;
    }
    if (events.length === 0) {
      io.err(`agentry: no audit events${flags.source ? ` for source ${flags.source}` : ""}`);
      return 0;
    }
    const header = [
      "ID",
      "AT",
      "ACTOR",
      "ACTION",
      "SOURCE",
      "TARGET",
      "FILES",
      "COUNTS",
      "GENERATION",
      "REQUEST",
    ];
    const rows = events.map((e: AuditEvent) => [
      String(e.id),
      `${e.at.toISOString().slice(0, 19).replace("T", " ")}Z`,
      `${e.actorKind}:${e.actorName}`,
      e.action,
      e.source ?? "-",
      e.target ?? "-",
      String(e.pathCount),
      Object.entries(e.counts)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k}=${v}`)
        .join(",") || "-",
      e.generation === null ? "-" : String(e.generation),
      e.requestId ?? "-",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows])
      io.out(
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
    if (hasNextPage) io.err(`agentry: more events follow: --before ${events.at(-1)!.id}`);
    return 0;
  });
}

/** Registers `agentry audit` on the program. */
export function registerAuditCommand(
  program: Command,
  io: Output,
  databaseOption: readonly [string, string],
): void {
  program
    .command("audit")
    .description(
      "print the audit trail, newest first: who published, deleted or restored what, or made or revoked a key, when",
    )
    .option("--source <name>", "only the events of this source")
    .option("--limit <n>", "at most this many events (default 50)")
    .option("--before <id>", "the events older than this one (the next page)")
    .option("--json", "one JSON object per event per line")
    .option(...databaseOption)
    .action(async (opts: AuditFlags) => {
      process.exitCode = await auditCommand(opts, io);
    });
}
