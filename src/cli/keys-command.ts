// `agentry keys create | list | revoke`: API keys from the command line (issue 16 point 2,
// docs/decisions/0022-api-keys.md), on the database the other catalog commands use.
// `create` prints the token alone on stdout, once, so that `TOKEN=$(agentry keys create …)`
// works; everything else goes to stderr. No output and no error ever quotes a token.
import type { Command } from "commander";
import { createKey, KeyError, type KeyInfo, listKeys, revokeKey } from "../auth/api-keys.js";
import { DurationError, parseDuration as parseDurationOf } from "../auth/duration.js";
import { parseScopes, ScopeError } from "../auth/scopes.js";
import { type DatabaseFlags, withDatabase } from "./catalog-commands.js";
import { UsageError } from "./files.js";
import type { Output } from "./validate.js";

export interface CreateKeyFlags extends DatabaseFlags {
  name: string;
  scope?: string[];
  source?: string;
  expires?: string;
}

/** `30d`, `12h`, `90m`, `2w` in milliseconds; anything else is a usage error naming `flag`. */
export function parseDuration(value: string, flag = "--expires"): number {
  try {
    return parseDurationOf(value, flag);
  } catch (e) {
    if (e instanceof DurationError) throw new UsageError(e.message);
    throw e;
  }
}

export async function createKeyCommand(flags: CreateKeyFlags, io: Output): Promise<number> {
  let scopes: ReturnType<typeof parseScopes>;
  try {
    const given = (flags.scope ?? []).flatMap((s) => s.split(",")).filter((s) => s !== "");
    scopes = parseScopes(given, flags.source ?? null);
  } catch (e) {
    if (e instanceof ScopeError) throw new UsageError(e.message);
    throw e;
  }
  const expiresAt = flags.expires ? new Date(Date.now() + parseDuration(flags.expires)) : null;
  return withDatabase(flags, "create a key in", async (database) => {
    let made: Awaited<ReturnType<typeof createKey>>;
    try {
      made = await createKey(database.db, {
        name: flags.name,
        scopes,
        source: flags.source ?? null,
        expiresAt,
      });
    } catch (e) {
      if (e instanceof KeyError) throw new UsageError(`--name: ${e.message}`);
      throw e;
    }
    io.out(made.token);
    const k = made.key;
    io.err(
      `agentry: created key ${k.id} "${k.name}" (${k.scopes.join(" ")}${k.source ? `, source ${k.source}` : ""}, ${k.expiresAt ? `expires ${stamp(k.expiresAt)}` : "never expires"}). The secret above is shown only this once: store it now.`,
    );
    return 0;
  });
}

export async function listKeysCommand(
  flags: DatabaseFlags & { json?: boolean },
  io: Output,
): Promise<number> {
  return withDatabase(flags, "list the keys of", async (database) => {
    const keys = await listKeys(database.db);
    if (flags.json) {
      for (const k of keys) io.out(JSON.stringify(k));
      return 0;
    }
    if (keys.length === 0) {
      io.err("agentry: no keys yet (agentry keys create --name <label> --scope <scope>)");
      return 0;
    }
    const header = ["ID", "NAME", "SCOPES", "SOURCE", "CREATED", "EXPIRES", "LAST USED", "REVOKED"];
    const rows = keys.map((k: KeyInfo) => [
      k.id,
      k.name,
      k.scopes.join(","),
      k.source ?? "-",
      stamp(k.createdAt),
      k.expiresAt ? stamp(k.expiresAt) : "never",
      k.lastUsedAt ? stamp(k.lastUsedAt) : "never",
      k.revokedAt ? stamp(k.revokedAt) : "-",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows])
      io.out(
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
    return 0;
  });
}

export async function revokeKeyCommand(idOrName: string, flags: DatabaseFlags, io: Output): Promise<number> {
  return withDatabase(flags, "revoke a key in", async (database) => {
    let result: Awaited<ReturnType<typeof revokeKey>>;
    try {
      result = await revokeKey(database.db, idOrName);
    } catch (e) {
      if (e instanceof KeyError) throw new UsageError(e.message);
      throw e;
    }
    if ("notFound" in result) {
      io.err(`agentry: no key with the id or name "${idOrName}" (agentry keys list shows them)`);
      return 1;
    }
    if ("ambiguous" in result) {
      io.err(
        `agentry: ${result.ambiguous.length} live keys are named "${idOrName}": revoke one by id (${result.ambiguous.join(", ")})`,
      );
      return 1;
    }
    const k = result.revoked;
    io.err(
      result.already
        ? `agentry: key ${k.id} "${k.name}" was already revoked at ${stamp(k.revokedAt!)}`
        : `agentry: revoked key ${k.id} "${k.name}": it is refused from now on`,
    );
    return 0;
  });
}

/** Registers `agentry keys …` on the program. */
export function registerKeysCommand(
  program: Command,
  io: Output,
  databaseOption: readonly [string, string],
): void {
  const keys = program
    .command("keys")
    .description("create, list and revoke API keys (shown once; stored as a hash)");
  keys
    .command("create")
    .description("make a key and print its secret on stdout, once")
    .requiredOption("--name <label>", "a label for the key, unique among live keys")
    .option(
      "--scope <scope>",
      "read, admin, read:<source> or publish:<source> (repeatable, or comma-separated)",
      (v: string, all: string[] = []) => [...all, v],
    )
    .option("--source <name>", "limit the key to one source (bare read and publish then mean that source)")
    .option("--expires <duration>", "expire after this long: 90m, 12h, 30d, 2w (default: never)")
    .option(...databaseOption)
    .action(async (opts: CreateKeyFlags) => {
      process.exitCode = await createKeyCommand(opts, io);
    });
  keys
    .command("list")
    .description("every key, newest first: id, name, scopes, source, dates (never a secret)")
    .option("--json", "one JSON object per key per line")
    .option(...databaseOption)
    .action(async (opts: DatabaseFlags & { json?: boolean }) => {
      process.exitCode = await listKeysCommand(opts, io);
    });
  keys
    .command("revoke")
    .description("revoke a key by id or name: refused at once on every instance")
    .argument("<id|name>")
    .option(...databaseOption)
    .action(async (idOrName: string, opts: DatabaseFlags) => {
      process.exitCode = await revokeKeyCommand(idOrName, opts, io);
    });
}

/** A time in UTC to the minute: `2026-12-02 05:40Z`. */
function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")}Z`;
}
