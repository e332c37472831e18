// The `agentry` command. Each subcommand lives in its own file; this one only wires arguments.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { SourceNotFoundError } from "../catalog/export.js";
import { ConfigError } from "../config.js";
import { parseDefinition } from "../definitions/index.js";
import { registerAuditCommand } from "./audit-command.js";
import {
  type DatabaseFlags,
  type ExportFlags,
  exportCommand,
  type ImportFlags,
  importCommand,
  migrateCommand,
} from "./catalog-commands.js";
import { type DoctorFlags, doctorCommand } from "./doctor-command.js";
import { findDefinitionFiles, readText, UsageError } from "./files.js";
import { registerKeysCommand } from "./keys-command.js";
import { registerPlanCommand } from "./plan-command.js";
import { registerPushCommand, visibilityFlag } from "./push-command.js";
import { isExplained, serveCommand } from "./serve-command.js";
import { type Output, validate } from "./validate.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const io: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function buildProgram(): Command {
  const program = new Command("agentry")
    .description("A knowledge graph of AI agent definitions")
    .version(VERSION, "-V, --version", "print the version")
    .exitOverride()
    .showHelpAfterError();

  // A repository is read as Claude Code reads it (see files.ts); these globs read more.
  const includeOption = [
    "--include <glob>",
    "also read files matching this glob in a repository (repeatable; e.g. 'prompts/**/*.md')",
    (v: string, all: string[] = []) => [...all, v],
  ] as const;

  program
    .command("validate")
    .description("check agent, skill, command and plugin files; print path:line:col: severity: message")
    .argument("<paths...>", "files or directories")
    .option("--json", "one JSON object per file per line")
    .option("--strict", "fail on warnings too")
    .option("--verbose", "also print informational notes")
    .option(...includeOption)
    .action(
      async (
        paths: string[],
        opts: { json?: boolean; strict?: boolean; verbose?: boolean; include?: string[] },
      ) => {
        process.exitCode = await validate(paths, opts, io);
      },
    );

  program
    .command("parse")
    .description("print the whole parsed definition of one file as JSON")
    .argument("<file>")
    .action(async (file: string) => {
      const { stat } = await import("node:fs/promises");
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory())
        throw new UsageError(`${file} is a directory: parse reads one file (validate reads folders)`);
      const [found] = await findDefinitionFiles([file]);
      const { text } = await readText(file);
      const def = parseDefinition(text, { path: file, kind: found?.kind ?? "agent" });
      io.out(JSON.stringify(def, null, 2));
      process.exitCode = def.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
    });

  const databaseOption = [
    "--database-url <url>",
    "overrides DATABASE_URL (postgres://… or memory://)",
  ] as const;

  program
    .command("migrate")
    .description("apply the database migrations in drizzle/")
    .option(...databaseOption)
    .action(async (opts: DatabaseFlags) => {
      process.exitCode = await migrateCommand(opts, io);
    });

  program
    .command("import")
    .description("import agent, skill, command and plugin files into a source of the catalog")
    .argument("<paths...>", "files or directories")
    .requiredOption("--source <name>", "the source to import into (created on first import)")
    .option("--prune", "soft-delete what the source holds that these paths no longer have")
    .option("--json", "print the report as JSON")
    .option("--batch-size <n>", "files per transaction", (v) => positiveInt("--batch-size", v))
    .option(
      "--visibility <visibility>",
      "public or private: set the source's visibility with the import (default: keep it; a new source is public)",
      visibilityFlag,
    )
    .option(...includeOption)
    .option(...databaseOption)
    .action(async (paths: string[], opts: ImportFlags) => {
      process.exitCode = await importCommand(paths, opts, io);
    });

  program
    .command("export")
    .description("write every file of a source back at its original path, byte for byte")
    .requiredOption("--source <name>", "the source to export")
    .requiredOption("--out <dir>", "the folder to write into")
    .option(...databaseOption)
    .action(async (opts: ExportFlags) => {
      process.exitCode = await exportCommand(opts, io);
    });

  program
    .command("doctor")
    .description("check the catalog's invariants; --repair fixes what it can without losing stored files")
    .option("--repair", "repair duplicates, indexes, search rows and edges")
    .option("--json", "print the findings as JSON")
    .option(...databaseOption)
    .action(async (opts: DoctorFlags) => {
      process.exitCode = await doctorCommand(opts, io);
    });

  program
    .command("serve")
    .description("serve the GraphQL API (and GraphiQL) over HTTP until SIGTERM or SIGINT")
    .option("--port <n>", "port to listen on (PORT, default 4000; 0 picks a free one)", (v) => port(v))
    .option("--host <host>", "address to bind (HOST, default 127.0.0.1)")
    .option("--no-examples", "do not load examples/ into an empty catalog")
    .option(...databaseOption)
    .action(async (opts: { port?: number; host?: string; examples: boolean; databaseUrl?: string }) => {
      await serveCommand(opts);
    });

  registerKeysCommand(program, io, databaseOption);
  registerAuditCommand(program, io, databaseOption);
  registerPushCommand(program, io, includeOption);
  registerPlanCommand(program, io, includeOption);

  return program;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be 0 to 65535, not "${value}"`);
  return n;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive integer, not "${value}"`);
  return n;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof SourceNotFoundError) {
      io.err(`agentry: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    // (ConfigError, also explained, was answered as a usage error above.)
    if (isExplained(e)) {
      io.err(`agentry: ${e.message}`);
      process.exitCode = 1;
      return;
    }
    // Never a stack trace for the user; the message says what went wrong.
    io.err(`agentry: ${(e as Error).message ?? String(e)}`);
    if (process.env.AGENTRY_DEBUG) io.err((e as Error).stack ?? "");
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
